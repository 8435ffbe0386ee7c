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

    /// <summary>Model options carrying the configuration as metadata.</summary>
    public static ModelOptions Options(PaperModelConfig c, string role) =>
        GraphMetadata.Options("maskgit", role, c.Codebooks, c.CodebookSize, c.SemanticVocab, c.Dim, c.Layers, c.Heads, ("soundstorm.combiner", c.Combiner.ToString().ToLowerInvariant()));
}
