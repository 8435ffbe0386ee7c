using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// The paper family's combiner graph: <c>tokens</c> int64 [batch, frames, Q] (mask id V where unknown) →
/// <c>embeddings</c> float [batch, frames, D]. Weights: <c>token_emb.{q}.weight</c> [V+1, D]; for the U-Net kind also
/// <c>combiner.inc.*</c> and <c>combiner.down.*</c> (DoubleConv names as in the seed model). The U-Net kind also takes
/// <c>padding_mask</c> bool [batch, frames] (true = padding): its convolutions span neighbouring frames, and padding
/// must read as zeros there for batched runs to equal single ones.
/// </summary>
public static class PaperCombinerGraph
{
    /// <summary>Graph input and output names.</summary>
    public const string Tokens = "tokens", Embeddings = "embeddings", PaddingMask = "padding_mask";

    /// <summary>Writes the combiner graph.</summary>
    public static OnnxModel Build(PaperModelConfig c, WeightSet w, ModelOptions? options = null)
    {
        c.Validate();
        var g = new OnnxGraphBuilder("paper_combiner");
        var tokens = g.Input(Tokens, ElementType.Int64, "batch", "frames", c.Codebooks);
        var perLevel = new GraphValue[c.Codebooks];
        for (int q = 0; q < c.Codebooks; q++)
        {
            var ids = g.Squeeze(g.Slice(tokens, new long[] { q }, new long[] { q + 1 }, new long[] { 2 }), 2);
            perLevel[q] = Nn.Embedding(g, ids, w, $"token_emb.{q}", c.CodebookSize + 1, c.Dim);
        }

        GraphValue combined;
        if (c.Combiner == CombinerKind.Sum)
        {
            combined = perLevel[0];
            for (int q = 1; q < c.Codebooks; q++) combined = g.Add(combined, perLevel[q]);
        }
        else
        {
            var stacked = new GraphValue[c.Codebooks];
            for (int q = 0; q < c.Codebooks; q++) stacked[q] = g.Unsqueeze(perLevel[q], 1);
            var grid = g.Transpose(g.Concat(1, stacked), 0, 3, 1, 2); // [B, D, Q, T]
            var padding = g.Input(PaddingMask, ElementType.Bool, "batch", "frames");
            var keep = g.Unsqueeze(g.Cast(g.Not(padding), ElementType.Float), 1, 2); // [B, 1, 1, T]
            var x1 = SeedUNet.DoubleConv(g, grid, w, "combiner.inc", c.Dim, c.Dim, keep);
            var x2 = SeedUNet.DoubleConv(g, g.ReduceMax(x1, new long[] { 2 }), w, "combiner.down", c.Dim, c.Dim, keep);
            combined = g.Transpose(g.Squeeze(x2, 2), 0, 2, 1);
        }
        g.Output(combined, Embeddings, ElementType.Float, "batch", "frames", c.Dim);
        return g.Build(options ?? PaperGraphs.Options(c, "combiner"));
    }
}
