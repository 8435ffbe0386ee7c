using SoundStorm.Trainer.Checkpoints;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Parity;

/// <summary>
/// The TorchSharp paper-family model and the ONNX graphs written from its state dict compute the same logits on
/// random weights and a padded batch of two different lengths (error = max|diff| / max|ref| ≤ 1e-4).
/// </summary>
public sealed class PaperParityTests(ITestOutputHelper output)
{
    private const int Frames = 12, ShortFrames = 7;

    private static PaperModelConfig Config(CombinerKind kind) => new()
    {
        Dim = 32, Layers = 2, Heads = 4, FeedForward = 64, ConvKernel = 5,
        Codebooks = 3, CodebookSize = 16, SemanticVocab = 10, Combiner = kind,
    };

    private sealed record Batch(long[] Tokens, long[] Semantic, bool[] Padding, long Count, long Frames);

    /// <summary>Random tokens (mask id included), padding frames filled as the runtime fills them.</summary>
    private static Batch RandomBatch(PaperModelConfig c, int[] lengths, int seed)
    {
        var random = new Random(seed);
        int frames = lengths.Max(), q = c.Codebooks;
        var tokens = new long[lengths.Length * frames * q];
        var semantic = new long[lengths.Length * frames];
        var padding = new bool[lengths.Length * frames];
        for (int b = 0; b < lengths.Length; b++)
            for (int t = 0; t < frames; t++)
            {
                bool pad = t >= lengths[b];
                padding[b * frames + t] = pad;
                semantic[b * frames + t] = pad ? c.SemanticVocab : random.Next(c.SemanticVocab);
                for (int l = 0; l < q; l++) tokens[(b * frames + t) * q + l] = pad ? c.MaskId : random.Next(c.CodebookSize + 1);
            }
        return new Batch(tokens, semantic, padding, lengths.Length, frames);
    }

    private static float[] TorchLogits(PaperAcousticModel model, Batch x, int level)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor hidden = model.Encode(
            model.Combine(tensor(x.Tokens, x.Count, x.Frames, model.Config.Codebooks), tensor(x.Padding, x.Count, x.Frames)),
            tensor(x.Semantic, x.Count, x.Frames), tensor(x.Padding, x.Count, x.Frames));
        return model.Head(hidden, level).contiguous().data<float>().ToArray();
    }

    private static float[] OnnxLogits((SoundStorm.Export.Onnx.OnnxModel Combiner, SoundStorm.Export.Onnx.OnnxModel Transformer) graphs,
        PaperModelConfig c, Batch x, int level)
    {
        var combinerFeeds = new List<OrtFeed> { new("tokens", x.Tokens, new[] { x.Count, x.Frames, c.Codebooks }) };
        if (c.Combiner == CombinerKind.UNet) combinerFeeds.Add(new OrtFeed("padding_mask", x.Padding, new[] { x.Count, x.Frames }));
        var embeddings = OrtRun.Run(graphs.Combiner, combinerFeeds.ToArray())["embeddings"];
        return OrtRun.Run(graphs.Transformer,
            new OrtFeed("embeddings", embeddings.Data, embeddings.Shape),
            new OrtFeed("semantic", x.Semantic, new[] { x.Count, x.Frames }),
            new OrtFeed("padding_mask", x.Padding, new[] { x.Count, x.Frames }),
            new OrtFeed("level", new long[] { level }, new long[] { 1 }))["logits"].Data;
    }

    private static (PaperAcousticModel Model, (SoundStorm.Export.Onnx.OnnxModel, SoundStorm.Export.Onnx.OnnxModel) Graphs) Build(CombinerKind kind, int seed)
    {
        manual_seed(seed);
        var model = new PaperAcousticModel(Config(kind));
        RandomWeights.Perturb(model, seed + 1);
        model.eval();
        var weights = StateDicts.ToWeightSet(model);
        var graphs = PaperGraphs.Build(model.Config, weights);
        weights.EnsureAllUsed(); // the graphs read every tensor the module has
        return (model, graphs);
    }

    [Theory]
    [InlineData(CombinerKind.Sum)]
    [InlineData(CombinerKind.UNet)]
    public void Onnx_graphs_match_the_TorchSharp_model_at_every_level(CombinerKind kind)
    {
        var (model, graphs) = Build(kind, 11);
        using var _ = model;
        var c = model.Config;
        var batch = RandomBatch(c, new[] { Frames, ShortFrames }, 5);
        for (int level = 0; level < c.Codebooks; level++)
        {
            double error = RelativeError.Of(TorchLogits(model, batch, level), OnnxLogits(graphs, c, batch, level));
            output.WriteLine($"{kind} level {level}: relative error {error:E2}");
            Assert.True(error <= 1e-4, $"{kind} level {level}: relative error {error:E3}");
        }
    }

    [Theory]
    [InlineData(CombinerKind.Sum)]
    [InlineData(CombinerKind.UNet)]
    public void Padding_does_not_change_the_real_frames_of_the_shorter_item(CombinerKind kind)
    {
        var (model, graphs) = Build(kind, 21);
        using var _ = model;
        var c = model.Config;
        var batch = RandomBatch(c, new[] { Frames, ShortFrames }, 6);
        var alone = new Batch(
            batch.Tokens[(Frames * c.Codebooks)..((Frames + ShortFrames) * c.Codebooks)],
            batch.Semantic[Frames..(Frames + ShortFrames)], new bool[ShortFrames], 1, ShortFrames);
        float[] batched = OnnxLogits(graphs, c, batch, 1);
        float[] single = OnnxLogits(graphs, c, alone, 1);
        float[] batchedShort = batched[(Frames * c.CodebookSize)..((Frames + ShortFrames) * c.CodebookSize)];
        double error = RelativeError.Of(single, batchedShort);
        output.WriteLine($"{kind} batched vs alone: relative error {error:E2}");
        Assert.True(error <= 1e-5, $"relative error {error:E3}");
        Assert.True(RelativeError.Of(single, TorchLogits(model, alone, 1)) <= 1e-4);
    }
}
