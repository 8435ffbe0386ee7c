using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Tests.Checkpoints;
using SoundStorm.Export.Weights;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Export.Tests.Acoustic;

/// <summary>
/// The seed checkpoint in ../shared/reference/soundstorm-s2 imported, exported and run: the graphs reproduce the
/// original PyTorch forward pass (intermediates and logits) within the README's tolerance.
/// </summary>
public class SeedReferenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string Dir = ReferencePaths.Get("soundstorm-s2");

    private static DTensor Npy(string name)
    {
        var a = NpyFile.Read(Path.Combine(Dir, name));
        return new DTensor(a.ToFloat32().Select(v => (double)v).ToArray(), a.Shape.ToArray());
    }

    private static long[] Ids(string name) => NpyFile.Read(Path.Combine(Dir, name)).ToInt64();

    [ReferenceTheory]
    [InlineData(SeedWeights.Model)]
    [InlineData(SeedWeights.Ema)]
    public void Imported_checkpoint_reproduces_reference_logits(SeedWeights which)
    {
        var weights = SeedCheckpointImporter.ReadWeights(Path.Combine(Dir, "last.pth"), which);
        var config = SeedModelConfig.InferFrom(weights, SeedCheckpointImporter.ReadHeads(Path.Combine(Dir, "model_config.json"), 32));
        Assert.Equal((32, 2, 2, 4, 1024, 500), (config.Dim, config.Layers, config.Heads, config.Codebooks, config.CodebookSize, config.SemanticVocab));
        SeedCheckpointImporter.CheckNames(weights, config);
        var graphs = SeedGraphs.Build(config, weights);
        weights.EnsureAllUsed();

        var (reordered, combined) = Logits(graphs);
        var reference = Npy("logits.npy");
        Compare.Close(combined["skip"], Npy("act_inc.npy"), 1e-4);
        Compare.Close(combined["embeddings"], Npy("act_block0_in_x.npy"), 1e-4);
        double error = Compare.RelativeError(reordered, reference);
        output.WriteLine($"{which}: skip error {Compare.RelativeError(combined["skip"], Npy("act_inc.npy")):E2}, " +
            $"embeddings error {Compare.RelativeError(combined["embeddings"], Npy("act_block0_in_x.npy")):E2}, logits error {error:E2}");
        Assert.True(error <= 1e-4, $"logits relative error {error:E3}");
    }

    [ReferenceFact]
    public void Condition_graph_gives_the_self_contained_transformers_logits()
    {
        var weights = SeedCheckpointImporter.ReadWeights(Path.Combine(Dir, "last.pth"));
        var config = SeedModelConfig.InferFrom(weights, SeedCheckpointImporter.ReadHeads(Path.Combine(Dir, "model_config.json"), 32));
        var cached = SeedGraphs.Build(config, weights);
        var selfContained = SeedGraphs.Build(config, weights, selfContained: true);
        Assert.NotNull(cached.Condition);
        Assert.Null(selfContained.Condition);

        var (a, _) = Logits(cached);
        var (b, _) = Logits(selfContained);
        double error = Compare.RelativeError(a, b);
        output.WriteLine($"condition graph vs self-contained transformer: logits relative error {error:E2}");
        Assert.True(error <= 1e-6, $"logits relative error {error:E3}");
    }

    [ReferenceTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fused_transformer_gives_the_standard_graphs_logits_with_and_without_padding(bool referencePadding)
    {
        var weights = SeedCheckpointImporter.ReadWeights(Path.Combine(Dir, "last.pth"));
        var config = SeedModelConfig.InferFrom(weights, SeedCheckpointImporter.ReadHeads(Path.Combine(Dir, "model_config.json"), 32));
        var graphs = SeedGraphs.Build(config, weights);
        bool[] padding = NpyFile.Read(Path.Combine(Dir, "x_mask.npy")).As<bool>();
        Assert.Contains(true, padding); // the reference batch pads its second item, so the masked branch runs
        if (!referencePadding) padding = new bool[padding.Length];

        var (standard, _) = Logits(graphs, graphs.Transformer, padding);
        var (fused, _) = Logits(graphs, graphs.FusedTransformer!, padding);
        double error = Compare.RelativeError(fused, standard);
        output.WriteLine($"fused vs standard transformer, {(referencePadding ? "reference padding" : "no padding")}: logits relative error {error:E2}; " +
            $"vs reference {Compare.RelativeError(fused, Npy("logits.npy")):E2}");
        Assert.True(error <= 1e-5, $"logits relative error {error:E3}");
        if (referencePadding) Assert.True(Compare.RelativeError(fused, Npy("logits.npy")) <= 1e-4);
    }

    /// <summary>
    /// Runs the reference inputs through the graphs; returns the logits reordered to the reference's
    /// [B, 1026, 4·T] layout (class-major, codebook-major positions; ours are [B, T, Q, 1026]) and the combiner's outputs.
    /// </summary>
    internal static (DTensor Logits, Dictionary<string, DTensor> Combined) Logits(SeedGraphSet graphs) => Logits(graphs, graphs.Transformer);

    /// <summary>As <see cref="Logits(SeedGraphSet)"/>, with <paramref name="transformer"/> in place of the set's (e.g. its int8 form).</summary>
    internal static (DTensor Logits, Dictionary<string, DTensor> Combined) Logits(SeedGraphSet graphs, OnnxModel transformer, bool[]? padding = null)
    {
        const int batch = 2, frames = 16, q = 4, promptFrames = 10;
        long[] xt = Ids("x_t.npy"); // [B, 4·T] codebook-major
        var tokens = new long[batch * frames * q];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < q; c++)
                for (int t = 0; t < frames; t++) tokens[(b * frames + t) * q + c] = xt[b * q * frames + c * frames + t];

        var combined = OrtRunner.Run(graphs.Combiner, new Feed("tokens", tokens, new long[] { batch, frames, q }));
        long[] promptAcoustic = Ids("prompt_acoustics.npy"); // [B, 4, Tp]: codebook 0 only
        var promptQ0 = new long[batch * promptFrames];
        for (int b = 0; b < batch; b++) Array.Copy(promptAcoustic, b * q * promptFrames, promptQ0, b * promptFrames, promptFrames);
        padding ??= NpyFile.Read(Path.Combine(Dir, "x_mask.npy")).As<bool>();
        Feed[] conditionTokens =
        [
            new Feed("prompt_semantic", Ids("prompt_semantics.npy"), new long[] { batch, promptFrames }),
            new Feed("target_semantic", Ids("target_semantics.npy"), new long[] { batch, frames }),
            new Feed("prompt_acoustic", promptQ0, new long[] { batch, promptFrames }),
        ];
        var condition = conditionTokens;
        if (graphs.Condition is { } conditionGraph)
        {
            var crossHeads = OrtRunner.Run(conditionGraph, conditionTokens);
            condition = [.. new[] { "cross_keys", "cross_values" }.Select(n => new Feed(n, crossHeads[n].ToFloat(), crossHeads[n].Shape.Select(d => (long)d).ToArray()))];
        }
        var outputs = OrtRunner.Run(transformer,
        [
            new Feed("embeddings", combined["embeddings"].ToFloat(), new long[] { batch, frames, 32 }),
            new Feed("skip", combined["skip"].ToFloat(), new long[] { batch, 32, q, frames }),
            .. condition,
            new Feed("padding_mask", padding, new long[] { batch, frames }),
            new Feed("step", Ids("t.npy"), new long[] { batch }),
        ]);

        var ours = outputs["logits"];
        Assert.Equal(new[] { batch, frames, q, 1026 }, ours.Shape);
        var reordered = DTensor.Zeros(new[] { batch, 1026, q * frames });
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < frames; t++)
                for (int c = 0; c < q; c++)
                    for (int k = 0; k < 1026; k++) reordered[b, k, c * frames + t] = ours[b, t, c, k];
        return (reordered, combined);
    }

    [ReferenceFact]
    public void Missing_and_unexpected_tensors_are_listed_together()
    {
        var weights = SeedCheckpointImporter.ReadWeights(Path.Combine(Dir, "last.pth"));
        var config = SeedModelConfig.InferFrom(weights, 2);
        var edited = new WeightSet("edited");
        foreach (var name in weights.Names.Where(n => n != "blocks.1.attn2.key.bias" && n != "inc.double_conv.0.weight"))
            edited.Add(name, weights.Peek(name).Data, weights.Peek(name).Shape);
        edited.Add("blocks.1.extra.weight", new float[] { 1 }, 1);
        var e = Assert.Throws<WeightMismatchException>(() => SeedCheckpointImporter.CheckNames(edited, config));
        Assert.Contains("missing 2: blocks.1.attn2.key.bias, inc.double_conv.0.weight", e.Message);
        Assert.Contains("unexpected 1: blocks.1.extra.weight", e.Message);
    }

    [ReferenceFact]
    public void Misshapen_tensor_names_the_tensor_and_both_shapes()
    {
        var weights = SeedCheckpointImporter.ReadWeights(Path.Combine(Dir, "last.pth"));
        var config = SeedModelConfig.InferFrom(weights, 2);
        weights.Add("blocks.0.mlp.2.weight", new float[32 * 64], 32, 64);
        var e = Assert.Throws<WeightMismatchException>(() => SeedGraphs.Build(config, weights));
        Assert.Contains("'blocks.0.mlp.2.weight' has shape [32, 64], expected [32, 128]", e.Message);
    }
}
