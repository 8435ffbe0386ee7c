using SoundStorm.Export.Acoustic;

namespace SoundStorm.Export.Tests.Acoustic;

/// <summary>
/// The fused transformer variant (ONNX Runtime's com.microsoft RotaryEmbedding and MultiHeadAttention) against the
/// standard opset-17 graph from the same weights: the logits agree to 1e-4 absolute at every frame, with key
/// padding, over several lengths; and only the fused file uses operators outside the default domain.
/// </summary>
public class FusedTransformerTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 3)]
    [InlineData(40, 13)]
    [InlineData(129, 60)]
    [InlineData(40, 0)]
    [InlineData(129, 0)]
    public void Fused_logits_equal_the_standard_graphs_with_key_padding(int frames, int paddedFrames)
    {
        var weights = PaperStateDict.Random(Small, 31);
        var standard = PaperTransformerGraph.Build(Small, weights);
        var fused = PaperGraphs.BuildFusedTransformer(Small, weights);

        // Batch of two: the first item is all real frames, the second ends in padding frames.
        var rng = new Random(frames);
        var embeddings = DTensor.Random(rng, 1.0, 2, frames, Small.Dim);
        long[] semantic = Enumerable.Range(0, 2 * frames).Select(_ => (long)rng.Next(0, Small.SemanticVocab + 1)).ToArray();
        bool[] padding = Enumerable.Range(0, 2 * frames).Select(i => i >= frames && i - frames >= frames - paddedFrames).ToArray();
        for (int level = 0; level < Small.Codebooks; level += 2)
        {
            Feed[] feeds =
            {
                Feed.Of("embeddings", embeddings),
                new("semantic", semantic, new long[] { 2, frames }),
                new("padding_mask", padding, new long[] { 2, frames }),
                new("level", new long[] { level }, new long[] { 1 }),
            };
            var expected = OrtRunner.Run(standard, feeds)["logits"];
            var actual = OrtRunner.Run(fused, feeds)["logits"];
            Assert.Equal(expected.Shape, actual.Shape);
            double maxAbs = expected.Data.Zip(actual.Data, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(maxAbs <= 1e-4, $"{frames} frames ({paddedFrames} padded), level {level}: max |fused − standard| = {maxAbs:E3}");
            Assert.True(expected.Data.Max(Math.Abs) > 0.1, "logits too small for the comparison to mean anything");
        }
    }

    [Fact]
    public void Only_the_fused_graph_uses_contrib_operators()
    {
        var weights = PaperStateDict.Random(Small, 32);
        var standard = PaperTransformerGraph.Build(Small, weights).Proto;
        var fused = PaperGraphs.BuildFusedTransformer(Small, weights).Proto;

        Assert.All(standard.Graph.Node, n => Assert.Equal(string.Empty, n.Domain));
        Assert.Equal(new[] { string.Empty }, standard.OpsetImport.Select(o => o.Domain));
        var nodes = AllNodes(fused.Graph).ToList();
        // Per layer: one If whose branches hold the mask-free and the key-padding MultiHeadAttention.
        Assert.Equal(Small.Layers, nodes.Count(n => n.OpType == "If"));
        Assert.Equal(2 * Small.Layers, nodes.Count(n => n is { Domain: "com.microsoft", OpType: "MultiHeadAttention" }));
        Assert.Equal(2 * Small.Layers, nodes.Count(n => n is { Domain: "com.microsoft", OpType: "RotaryEmbedding" }));
        Assert.DoesNotContain(nodes, n => n.OpType == "Softmax");
        // Per layer, query, key and value come from one MatMul: 8 MatMuls (two per feed-forward, q/k/v, output, two
        // pointwise), plus the head.
        Assert.Equal(8 * Small.Layers + 1, nodes.Count(n => n.OpType == "MatMul"));
        Assert.Contains(fused.OpsetImport, o => o.Domain == "com.microsoft" && o.Version == 1);
        Assert.Equal("fused", fused.MetadataProps.Single(p => p.Key == "soundstorm.attention").Value);
    }

    private static IEnumerable<SoundStorm.Export.Onnx.Proto.NodeProto> AllNodes(SoundStorm.Export.Onnx.Proto.GraphProto graph) =>
        graph.Node.SelectMany(n => n.Attribute.Where(a => a.G is not null).SelectMany(a => AllNodes(a.G)).Prepend(n));

    private static readonly PaperModelConfig Small = new()
    {
        Dim = 64, Layers = 2, Heads = 4, FeedForward = 96, ConvKernel = 5, Codebooks = 3, CodebookSize = 17, SemanticVocab = 9,
    };
}
