using SoundStorm.Export.Onnx;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>Writes both seed-family graphs and the metadata the runtime reads from them.</summary>
public static class SeedGraphs
{
    /// <summary>The combiner and transformer graphs for one set of weights.</summary>
    public static (OnnxModel Combiner, OnnxModel Transformer) Build(SeedModelConfig config, WeightSet weights, string prefix = "")
    {
        var combiner = SeedCombinerGraph.Build(config, weights, prefix);
        var transformer = SeedTransformerGraph.Build(config, weights, prefix);
        // Buffers of the diffusion wrapper and bookkeeping tensors are not part of either graph.
        foreach (string name in weights.Names.ToArray())
            if (IsBookkeeping(name)) weights.Ignore(name);
        return (combiner, transformer);
    }

    /// <summary>Model options carrying the configuration as metadata.</summary>
    public static ModelOptions Options(SeedModelConfig c, string role) =>
        GraphMetadata.Options("seed-diffusion", role, c.Codebooks, c.CodebookSize, c.SemanticVocab, c.Dim, c.Layers, c.Heads);

    private static bool IsBookkeeping(string name) =>
        name.EndsWith("num_batches_tracked", StringComparison.Ordinal) || name.EndsWith("cls_ids", StringComparison.Ordinal)
        || name.EndsWith("position_ids", StringComparison.Ordinal) || name.EndsWith("target_acoustic_pos_emb.emb.weight", StringComparison.Ordinal);
}
