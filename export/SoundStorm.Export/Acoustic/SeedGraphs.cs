using SoundStorm.Export.Onnx;
using SoundStorm.Export.Packaging;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>The seed family's graphs for one set of weights.</summary>
/// <param name="Combiner">Token grid → embeddings and the U-Net skip (<see cref="SeedCombinerGraph"/>).</param>
/// <param name="Condition">Semantic tokens and prompt codes → each block's cross-attention keys and values, run once
/// per generation (<see cref="SeedConditionGraph"/>); null for the self-contained form.</param>
/// <param name="Transformer">Embeddings, condition, step → logits (<see cref="SeedTransformerGraph"/>).</param>
/// <param name="FusedTransformer">The transformer's fused alternative (the same inputs and outputs, attention as ONNX
/// Runtime's contrib operator, which the CPU and CUDA providers run); null for the self-contained form.</param>
public sealed record SeedGraphSet(OnnxModel Combiner, OnnxModel? Condition, OnnxModel Transformer, OnnxModel? FusedTransformer)
{
    /// <summary>The fused alternative's file name beside the others.</summary>
    public const string FusedTransformerFile = "transformer.fused.onnx";

    /// <summary>
    /// Saves the graphs into <paramref name="folder"/>; returns each role's file name (the fused alternative, when
    /// there is one, is <see cref="FusedTransformerFile"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Save(string folder)
    {
        var files = new Dictionary<string, string>
        {
            [GraphNames.Combiner] = "combiner.onnx",
            [GraphNames.Transformer] = "transformer.onnx",
        };
        if (Condition is not null) files[GraphNames.Condition] = "condition.onnx";
        Combiner.Save(Path.Combine(folder, files[GraphNames.Combiner]));
        Transformer.Save(Path.Combine(folder, files[GraphNames.Transformer]));
        Condition?.Save(Path.Combine(folder, files[GraphNames.Condition]));
        FusedTransformer?.Save(Path.Combine(folder, FusedTransformerFile));
        return files;
    }
}

/// <summary>Writes the seed-family graphs and the metadata the runtime reads from them.</summary>
public static class SeedGraphs
{
    /// <summary>
    /// The combiner, condition and transformer graphs and the transformer's fused alternative for one set of weights;
    /// with <paramref name="selfContained"/> only a combiner and a transformer that embeds and projects the condition
    /// in every call.
    /// </summary>
    public static SeedGraphSet Build(SeedModelConfig config, WeightSet weights, string prefix = "", bool selfContained = false)
    {
        var combiner = SeedCombinerGraph.Build(config, weights, prefix);
        var condition = selfContained ? null : SeedConditionGraph.Build(config, weights, prefix);
        var transformer = SeedTransformerGraph.Build(config, weights, prefix, selfContained: selfContained);
        var fused = selfContained ? null : SeedTransformerGraph.Build(config, weights, prefix, fused: true);
        // Buffers of the diffusion wrapper and bookkeeping tensors are not part of any graph.
        foreach (string name in weights.Names.ToArray())
            if (IsBookkeeping(name)) weights.Ignore(name);
        return new SeedGraphSet(combiner, condition, transformer, fused);
    }

    /// <summary>Model options carrying the configuration as metadata.</summary>
    public static ModelOptions Options(SeedModelConfig c, string role) =>
        GraphMetadata.Options("seed-diffusion", role, c.Codebooks, c.CodebookSize, c.SemanticVocab, c.Dim, c.Layers, c.Heads);

    private static bool IsBookkeeping(string name) =>
        name.EndsWith("num_batches_tracked", StringComparison.Ordinal) || name.EndsWith("cls_ids", StringComparison.Ordinal)
        || name.EndsWith("position_ids", StringComparison.Ordinal) || name.EndsWith("target_acoustic_pos_emb.emb.weight", StringComparison.Ordinal);
}
