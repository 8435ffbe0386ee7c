using SoundStorm.Export.Onnx;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>Writes both paper-family graphs and the metadata the runtime reads from them.</summary>
public static class PaperGraphs
{
    /// <summary>The combiner and transformer graphs for one set of weights.</summary>
    public static (OnnxModel Combiner, OnnxModel Transformer) Build(PaperModelConfig config, WeightSet weights)
    {
        var graphs = (PaperCombinerGraph.Build(config, weights), PaperTransformerGraph.Build(config, weights));
        // BatchNorm's step counters (U-Net combiner) are training bookkeeping that no graph reads.
        foreach (string name in weights.Names.ToArray())
            if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) weights.Ignore(name);
        return graphs;
    }

    /// <summary>
    /// The transformer with ONNX Runtime's fused attention operators, the package's alternative to the standard
    /// transformer on the CPU and CUDA providers (same inputs, outputs and weights).
    /// </summary>
    public static OnnxModel BuildFusedTransformer(PaperModelConfig config, WeightSet weights) => PaperTransformerGraph.Build(config, weights, fused: true);

    /// <summary>Model options carrying the configuration as metadata (<paramref name="fused"/>: the attention is ONNX Runtime's fused operators).</summary>
    public static ModelOptions Options(PaperModelConfig c, string role, bool fused = false) =>
        GraphMetadata.Options("maskgit", role, c.Codebooks, c.CodebookSize, c.SemanticVocab, c.Dim, c.Layers, c.Heads,
            ("soundstorm.combiner", c.Combiner.ToString().ToLowerInvariant()), ("soundstorm.attention", fused ? "fused" : "standard"));
}
