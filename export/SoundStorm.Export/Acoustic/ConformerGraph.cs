using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>Sizes of a Conformer stack: width, attention heads, feed-forward width, depthwise kernel (odd).</summary>
public sealed record ConformerShape(int Dim, int Heads, int FeedForward, int ConvKernel);

/// <summary>
/// One Conformer block as graph nodes (macaron feed-forwards, rotary self-attention with an additive key bias,
/// depthwise convolution module, final LayerNorm), reading the state-dict names the trainer's <c>ConformerBlock</c>
/// writes: <c>ff1</c>, <c>attn_norm</c>, <c>attn</c>, <c>conv</c>, <c>ff2</c>, <c>final_norm</c>. Shared by every
/// graph built from Conformer stacks (the paper family's transformer, the text-to-semantic model).
/// </summary>
public static class ConformerGraph
{
    /// <summary>
    /// x [B, T, D] → [B, T, D]. <paramref name="keyBias"/>: [B, 1, 1, T] added to the attention scores (−1e9 on padding);
    /// <paramref name="keep"/>: [B, T, 1] float (0 on padding); <paramref name="cos"/>/<paramref name="sin"/>: rotary tables.
    /// </summary>
    public static GraphValue Block(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string p,
        GraphValue x, GraphValue keyBias, GraphValue keep, GraphValue cos, GraphValue sin) =>
        Block(g, c, w, p, x, keep, ConformerAttention.Standard(keyBias, cos, sin));

    /// <summary>x [B, T, D] → [B, T, D] with the self-attention of <paramref name="attention"/> (standard or fused nodes).</summary>
    public static GraphValue Block(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string p,
        GraphValue x, GraphValue keep, ConformerAttention attention)
    {
        ArgumentNullException.ThrowIfNull(attention);
        var half = g.FloatScalar(0.5f);
        x = g.Add(x, g.Mul(FeedForward(g, c, w, $"{p}.ff1", x), half));
        var attnIn = Nn.LayerNorm(g, x, w, $"{p}.attn_norm", c.Dim);
        x = g.Add(x, attention.Attend(g, c, w, $"{p}.attn", attnIn));
        x = g.Add(x, ConvModule(g, c, w, $"{p}.conv", x, keep));
        x = g.Add(x, g.Mul(FeedForward(g, c, w, $"{p}.ff2", x), half));
        return Nn.LayerNorm(g, x, w, $"{p}.final_norm", c.Dim);
    }

    // LayerNorm → Linear(D, F) → SiLU → Linear(F, D).
    private static GraphValue FeedForward(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string p, GraphValue x)
    {
        var h = Nn.Linear(g, Nn.LayerNorm(g, x, w, $"{p}.norm", c.Dim), w, $"{p}.linear1", c.Dim, c.FeedForward);
        return Nn.Linear(g, Nn.Silu(g, h), w, $"{p}.linear2", c.FeedForward, c.Dim);
    }

    // LayerNorm → pointwise Linear(D, 2D) → GLU → (padding zeroed) depthwise Conv1d → LayerNorm → SiLU → Linear(D, D).
    private static GraphValue ConvModule(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string p, GraphValue x, GraphValue keep)
    {
        var h = Nn.Linear(g, Nn.LayerNorm(g, x, w, $"{p}.norm", c.Dim), w, $"{p}.pointwise1", c.Dim, 2L * c.Dim);
        var value = g.Slice(h, new long[] { 0 }, new long[] { c.Dim }, new long[] { 2 });
        var gate = g.Slice(h, new long[] { c.Dim }, new long[] { 2L * c.Dim }, new long[] { 2 });
        h = g.Mul(g.Mul(value, g.Sigmoid(gate)), keep); // padding frames must not leak into neighbours through the kernel
        var channelsFirst = g.Transpose(h, 0, 2, 1);
        var conv = Nn.Conv1d(g, channelsFirst, w, $"{p}.depthwise", c.Dim, c.Dim, c.ConvKernel, ConvSpec.OneD(padding: c.ConvKernel / 2, groups: c.Dim));
        h = Nn.Silu(g, Nn.LayerNorm(g, g.Transpose(conv, 0, 2, 1), w, $"{p}.depthwise_norm", c.Dim));
        return Nn.Linear(g, h, w, $"{p}.pointwise2", c.Dim, c.Dim);
    }
}
