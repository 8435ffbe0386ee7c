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
internal sealed class SeedFusedAttention(OnnxGraphBuilder g, SeedModelConfig c, GraphValue padding)
{
    private readonly ContribAttention _attention = new(g, padding, c.Heads, c.Dim / c.Heads);

    /// <summary>Self-attention of <paramref name="x"/> [B, T, D] (projections under <paramref name="prefix"/>): [B, T, D].</summary>
    public GraphValue Self(WeightSet w, string prefix, GraphValue x)
    {
        var q = Nn.Linear(g, x, w, $"{prefix}.query", c.Dim, c.Dim);
        var k = Nn.Linear(g, x, w, $"{prefix}.key", c.Dim, c.Dim);
        var v = Nn.Linear(g, x, w, $"{prefix}.value", c.Dim, c.Dim);
        return Nn.Linear(g, _attention.WithKeyPadding(g, q, k, v), w, $"{prefix}.proj", c.Dim, c.Dim);
    }

    /// <summary>Cross-attention of <paramref name="x"/> [B, T, D] to keys and values split into heads: [B, T, D].</summary>
    public GraphValue Cross(WeightSet w, string prefix, GraphValue x, GraphValue keys, GraphValue values)
    {
        var q = Nn.Linear(g, x, w, $"{prefix}.query", c.Dim, c.Dim);
        return Nn.Linear(g, _attention.Unmasked(g, q, keys, values), w, $"{prefix}.proj", c.Dim, c.Dim);
    }
}
