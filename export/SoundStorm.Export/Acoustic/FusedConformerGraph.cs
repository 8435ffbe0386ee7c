using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// The Conformer block of the fused transformer variant (CPU and CUDA providers): the network
/// <see cref="ConformerGraph"/> writes, laid out for ONNX Runtime's fusions. The block works on 2-D rows [B·T, D]
/// (reshaped to [B, T, D] only around attention and the depthwise convolution; a reshape copies nothing), so every
/// Linear's MatMul and bias Add become one Gemm at load time — ONNX Runtime fuses MatMul + Add only for 2-D inputs —
/// and the bias is written as the GEMM's output is initialised instead of in a separate pass over the rows. The
/// macaron halves are folded into the feed-forwards' second Linear (weights and bias × 0.5: exact in floating point).
/// Attention is <see cref="FusedRotaryAttention"/> (one query/key/value MatMul, RotaryEmbedding, MultiHeadAttention).
/// </summary>
internal static class FusedConformerGraph
{
    /// <summary>
    /// x [B·T, D] → the block's output [B·T, D]. <paramref name="keep"/>: [B·T, 1] float, 0 on padding;
    /// <paramref name="sequenceShape"/>: the int64 shape [B, T, D] the rows come from.
    /// </summary>
    public static GraphValue Block(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string p,
        GraphValue x, GraphValue keep, GraphValue sequenceShape, FusedRotaryAttention attention)
    {
        x = g.Add(x, HalfFeedForward(g, c, w, $"{p}.ff1", x));
        x = g.Add(x, attention.AttendRows(g, c, w, $"{p}.attn", Nn.LayerNorm(g, x, w, $"{p}.attn_norm", c.Dim)));
        x = g.Add(x, ConvModule(g, c, w, $"{p}.conv", x, keep, sequenceShape));
        x = g.Add(x, HalfFeedForward(g, c, w, $"{p}.ff2", x));
        return Nn.LayerNorm(g, x, w, $"{p}.final_norm", c.Dim);
    }

    // ½ · (LayerNorm → Linear(D, F) → SiLU → Linear(F, D)), the ½ folded into the second Linear's weight and bias.
    private static GraphValue HalfFeedForward(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string p, GraphValue x)
    {
        var h = Nn.Silu(g, Nn.Linear(g, Nn.LayerNorm(g, x, w, $"{p}.norm", c.Dim), w, $"{p}.linear1", c.Dim, c.FeedForward));
        var halfWeight = Nn.Transpose2D(w.Get($"{p}.linear2.weight", c.Dim, c.FeedForward).Data, c.Dim, c.FeedForward); // [F, D]
        for (int i = 0; i < halfWeight.Length; i++) halfWeight[i] *= 0.5f;
        var halfBias = w.Get($"{p}.linear2.bias", c.Dim).Data.Select(b => 0.5f * b).ToArray();
        var product = g.MatMul(h, g.Initializer($"{p}.linear2.weight", TensorData.FromFloat(halfWeight, c.FeedForward, c.Dim)));
        return g.Add(product, g.Initializer($"{p}.linear2.bias", TensorData.FromFloat(halfBias, c.Dim)));
    }

    // LayerNorm → pointwise Linear(D, 2D) → GLU → (padding zeroed) depthwise Conv1d over [B, D, T] → LayerNorm → SiLU → Linear(D, D).
    private static GraphValue ConvModule(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string p, GraphValue x, GraphValue keep, GraphValue sequenceShape)
    {
        var h = Nn.Linear(g, Nn.LayerNorm(g, x, w, $"{p}.norm", c.Dim), w, $"{p}.pointwise1", c.Dim, 2L * c.Dim);
        var halves = g.Node("Split", new[] { h, g.Int64s(c.Dim, c.Dim) }, 2, NodeAttribute.Int("axis", 1));
        h = g.Mul(g.Mul(halves[0], g.Sigmoid(halves[1])), keep); // padding frames must not leak into neighbours through the kernel
        var channelsFirst = g.Transpose(g.Reshape(h, sequenceShape), 0, 2, 1);
        var conv = Nn.Conv1d(g, channelsFirst, w, $"{p}.depthwise", c.Dim, c.Dim, c.ConvKernel, ConvSpec.OneD(padding: c.ConvKernel / 2, groups: c.Dim));
        h = Nn.Silu(g, Nn.LayerNorm(g, g.Reshape(g.Transpose(conv, 0, 2, 1), -1, c.Dim), w, $"{p}.depthwise_norm", c.Dim));
        return Nn.Linear(g, h, w, $"{p}.pointwise2", c.Dim, c.Dim);
    }
}
