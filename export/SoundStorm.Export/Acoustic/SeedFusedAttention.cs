using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// The seed blocks' two attentions as ONNX Runtime's com.microsoft <c>MultiHeadAttention</c> (CPU and CUDA only): one
/// fused kernel instead of the standard graph's MatMul, mask, Softmax and MatMul nodes, each of which reads and writes
/// the [B, H, T, Lk] scores. Self-attention branches once per block on whether the batch has any padding (the CPU
/// kernel runs flash attention only without a mask input); cross-attention has no mask and reads the condition graph's
/// keys and values, already split into heads ([B, H, Lc, D/H]).
/// </summary>
internal sealed class SeedFusedAttention
{
    private readonly GraphValue _keep, _anyPadding;
    private readonly long _heads;
    private readonly float _scale;

    public SeedFusedAttention(OnnxGraphBuilder g, SeedModelConfig c, GraphValue padding)
    {
        _heads = c.Heads;
        _scale = (float)(1.0 / Math.Sqrt(c.Dim / c.Heads));
        _keep = g.Cast(g.Not(padding), ElementType.Int32); // the key padding mask: 1 = attend, 0 = padding
        var paddingCount = g.ReduceSum(g.Cast(padding, ElementType.Int64), new long[] { 0, 1 }, keepDims: false);
        _anyPadding = g.Node("Greater", new[] { paddingCount, g.Int64Scalar(0) });
    }

    /// <summary>Self-attention of <paramref name="x"/> [B, T, D] (projections under <paramref name="prefix"/>): [B, T, D].</summary>
    public GraphValue Self(OnnxGraphBuilder g, SeedModelConfig c, WeightSet w, string prefix, GraphValue x)
    {
        var q = Nn.Linear(g, x, w, $"{prefix}.query", c.Dim, c.Dim);
        var k = Nn.Linear(g, x, w, $"{prefix}.key", c.Dim, c.Dim);
        var v = Nn.Linear(g, x, w, $"{prefix}.value", c.Dim, c.Dim);
        var none = new GraphValue(string.Empty); // an omitted optional input (the packed q/k/v bias)
        var merged = g.If(_anyPadding, ElementType.Float, () => Attention(g, q, k, v, none, _keep), () => Attention(g, q, k, v));
        return Nn.Linear(g, merged, w, $"{prefix}.proj", c.Dim, c.Dim);
    }

    /// <summary>Cross-attention of <paramref name="x"/> [B, T, D] to keys and values split into heads: [B, T, D].</summary>
    public GraphValue Cross(OnnxGraphBuilder g, SeedModelConfig c, WeightSet w, string prefix, GraphValue x, GraphValue keys, GraphValue values)
    {
        var q = Nn.Linear(g, x, w, $"{prefix}.query", c.Dim, c.Dim);
        return Nn.Linear(g, Attention(g, q, keys, values), w, $"{prefix}.proj", c.Dim, c.Dim);
    }

    private GraphValue Attention(OnnxGraphBuilder g, params GraphValue[] inputs) =>
        g.DomainNode(OnnxGraphBuilder.MicrosoftDomain, "MultiHeadAttention", inputs, 1,
            NodeAttribute.Int("num_heads", _heads), NodeAttribute.Float("scale", _scale), NodeAttribute.Float("mask_filter_value", -1e9f))[0];
}
