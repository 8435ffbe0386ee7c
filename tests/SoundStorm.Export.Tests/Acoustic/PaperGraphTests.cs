using SoundStorm.Export.Acoustic;

namespace SoundStorm.Export.Tests.Acoustic;

/// <summary>
/// Properties of the paper-family graphs that need no framework reference (the TorchSharp parity tests live with
/// the trainer): every tensor of the layout is used, padding frames do not change real frames, and the level input
/// selects that level's head.
/// </summary>
public class PaperGraphTests
{
    private static readonly PaperModelConfig Small = new()
    {
        Dim = 16, Layers = 2, Heads = 2, FeedForward = 24, ConvKernel = 3, Codebooks = 3, CodebookSize = 11, SemanticVocab = 7,
    };

    [Theory]
    [InlineData(CombinerKind.Sum)]
    [InlineData(CombinerKind.UNet)]
    public void Graphs_use_every_tensor_and_padding_does_not_leak(CombinerKind kind)
    {
        var config = Small with { Combiner = kind };
        var weights = PaperStateDict.Random(config, 5);
        var (combiner, transformer) = PaperGraphs.Build(config, weights);
        weights.EnsureAllUsed();

        // Request A: 5 frames alone; the same 5 frames followed by 3 padding frames of garbage must give the same logits.
        var rng = new Random(9);
        long[] tokensA = Enumerable.Range(0, 5 * 3).Select(_ => (long)rng.Next(0, 12)).ToArray();
        long[] semanticA = Enumerable.Range(0, 5).Select(_ => (long)rng.Next(0, 7)).ToArray();
        long[] tokensPadded = tokensA.Concat(Enumerable.Range(0, 9).Select(_ => (long)rng.Next(0, 12))).ToArray();
        long[] semanticPadded = semanticA.Concat(new long[] { 3, 1, 6 }).ToArray();
        for (int level = 0; level < 3; level++)
        {
            var alone = Logits(combiner, transformer, tokensA, semanticA, new bool[5], 5, level);
            var padded = Logits(combiner, transformer, tokensPadded, semanticPadded, new[] { false, false, false, false, false, true, true, true }, 8, level);
            var firstFive = new DTensor(padded.Data[..(5 * 11)], 1, 5, 11);
            Compare.Close(firstFive, alone, 1e-5);
        }
    }

    [Fact]
    public void Level_input_selects_that_levels_head()
    {
        var weights = PaperStateDict.Random(Small, 6);
        var (combiner, transformer) = PaperGraphs.Build(Small, weights);
        long[] tokens = { 1, 2, 3, 4, 5, 6 };
        long[] semantic = { 0, 6 };
        var l0 = Logits(combiner, transformer, tokens, semantic, new bool[2], 2, 0);
        var l2 = Logits(combiner, transformer, tokens, semantic, new bool[2], 2, 2);
        // Same trunk, different head: swapping head 2's weights into head 0 turns level 0's logits into level 2's.
        var swapped = PaperStateDict.Random(Small, 6);
        swapped.Add("heads.0.weight", weights.Peek("heads.2.weight").Data, weights.Peek("heads.2.weight").Shape);
        swapped.Add("heads.0.bias", weights.Peek("heads.2.bias").Data, weights.Peek("heads.2.bias").Shape);
        var (c2, t2) = PaperGraphs.Build(Small, swapped);
        Compare.Close(Logits(c2, t2, tokens, semantic, new bool[2], 2, 0), l2, 1e-6);
        Assert.True(Compare.RelativeError(l0, l2) > 1e-2);
    }

    private static DTensor Logits(SoundStorm.Export.Onnx.OnnxModel combiner, SoundStorm.Export.Onnx.OnnxModel transformer, long[] tokens, long[] semantic, bool[] padding, int frames, int level)
    {
        var combinerFeeds = new List<Feed> { new("tokens", tokens, new long[] { 1, frames, 3 }) };
        if (combiner.Proto.Graph.Input.Any(i => i.Name == "padding_mask")) combinerFeeds.Add(new Feed("padding_mask", padding, new long[] { 1, frames }));
        var embeddings = OrtRunner.Run(combiner, combinerFeeds.ToArray())["embeddings"];
        return OrtRunner.Run(transformer,
            new Feed("embeddings", embeddings.ToFloat(), new long[] { 1, frames, 16 }),
            new Feed("semantic", semantic, new long[] { 1, frames }),
            new Feed("padding_mask", padding, new long[] { 1, frames }),
            new Feed("level", new long[] { level }, new long[] { 1 }))["logits"];
    }
}
