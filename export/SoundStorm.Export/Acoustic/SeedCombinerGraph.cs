using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// The seed model's combiner graph: the token grid → per-codebook content embeddings → U-Net down path.
/// Inputs: <c>tokens</c> int64 [batch, frames, Q] (ids 0..V+2; V+2 = mask).
/// Outputs: <c>embeddings</c> float [batch, frames, D] (down path + target positions, the transformer's input) and
/// <c>skip</c> float [batch, D, Q, frames] (the <c>inc</c> output the up path concatenates).
/// </summary>
public static class SeedCombinerGraph
{
    /// <summary>Graph input and output names.</summary>
    public const string Tokens = "tokens", Embeddings = "embeddings", Skip = "skip";

    /// <summary>Writes the combiner from weights named as the seed's <c>Text2ImageTransformer</c> state dict (after <paramref name="prefix"/>).</summary>
    public static OnnxModel Build(SeedModelConfig c, WeightSet w, string prefix = "", ModelOptions? options = null)
    {
        var g = new OnnxGraphBuilder("seed_combiner");
        var tokens = g.Input(Tokens, ElementType.Int64, "batch", "frames", c.Codebooks);

        // [B, T, Q] → per codebook [B, T, D] → [B, Q, T, D]
        var perCodebook = new GraphValue[c.Codebooks];
        for (int q = 0; q < c.Codebooks; q++)
        {
            var ids = g.Squeeze(g.Slice(tokens, new long[] { q }, new long[] { q + 1 }, new long[] { 2 }), 2);
            perCodebook[q] = g.Unsqueeze(Nn.Embedding(g, ids, w, $"{prefix}content_emb.embs.{q}", c.ContentRows, c.Dim), 1);
        }
        var grid = g.Transpose(g.Concat(1, perCodebook), 0, 3, 1, 2); // [B, D, Q, T]: codebooks as height, frames as width

        var x1 = SeedUNet.DoubleConv(g, grid, w, $"{prefix}inc", c.Dim, c.Dim);
        var pooled = g.ReduceMax(x1, new long[] { 2 }); // MaxPool2d((Q, 1)) over the codebook axis
        var x2 = SeedUNet.DoubleConv(g, pooled, w, $"{prefix}down1.maxpool_conv.1", c.Dim, c.Dim);
        var frames = g.Transpose(g.Squeeze(x2, 2), 0, 2, 1); // [B, T, D]
        var embeddings = g.Add(frames, SeedUNet.Positions(g, frames, w, $"{prefix}content_emb.pos_emb", c.MaxFrames, c.Dim));

        g.Output(embeddings, Embeddings, ElementType.Float, "batch", "frames", c.Dim);
        g.Output(x1, Skip, ElementType.Float, "batch", c.Dim, c.Codebooks, "frames");
        return g.Build(options ?? SeedGraphs.Options(c, "combiner"));
    }
}
