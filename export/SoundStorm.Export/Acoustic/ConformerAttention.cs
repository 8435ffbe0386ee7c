using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// How a Conformer block computes its rotary self-attention with key padding. Made once per graph (the position tables
/// and the padding terms are shared by every block), then asked by each block for its attention output.
/// </summary>
public abstract class ConformerAttention
{
    private protected ConformerAttention() { }

    /// <summary>Self-attention of <paramref name="x"/> [B, T, D] with the projections under <paramref name="prefix"/>: [B, T, D].</summary>
    internal abstract GraphValue Attend(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string prefix, GraphValue x);

    /// <summary>
    /// Standard opset-17 nodes (every provider, DirectML included): MatMul → + key bias → Softmax → MatMul, which
    /// materialises the [B, H, T, T] score tensor. <paramref name="keyBias"/>: [B, 1, 1, T], −1e9 on padding.
    /// </summary>
    public static ConformerAttention Standard(GraphValue keyBias, GraphValue cos, GraphValue sin) => new StandardRotaryAttention(keyBias, cos, sin);

}

/// <summary>See <see cref="ConformerAttention.Standard"/>.</summary>
internal sealed class StandardRotaryAttention(GraphValue keyBias, GraphValue cos, GraphValue sin) : ConformerAttention
{
    internal override GraphValue Attend(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string prefix, GraphValue x)
    {
        long headDim = c.Dim / c.Heads;
        GraphValue Heads(GraphValue v) => g.Transpose(g.Reshape(v, 0, 0, c.Heads, headDim), 0, 2, 1, 3);
        // The 1/√d scale goes on q (T·D values) rather than on the scores (T·T per head): one pass less over T².
        var q = g.Mul(Rotary.Apply(g, Heads(Nn.Linear(g, x, w, $"{prefix}.query", c.Dim, c.Dim)), cos, sin, headDim),
            g.FloatScalar((float)(1.0 / Math.Sqrt(headDim))));
        var k = Rotary.Apply(g, Heads(Nn.Linear(g, x, w, $"{prefix}.key", c.Dim, c.Dim)), cos, sin, headDim);
        var v = Heads(Nn.Linear(g, x, w, $"{prefix}.value", c.Dim, c.Dim));
        var scores = g.Add(g.MatMul(q, g.Transpose(k, 0, 1, 3, 2)), keyBias);
        var merged = g.Reshape(g.Transpose(g.MatMul(g.Softmax(scores, -1), v), 0, 2, 1, 3), 0, 0, c.Dim);
        return Nn.Linear(g, merged, w, $"{prefix}.proj", c.Dim, c.Dim);
    }
}

/// <summary>
/// ONNX Runtime's com.microsoft <c>RotaryEmbedding</c> and <c>MultiHeadAttention</c> (CPU and CUDA only;
/// <see cref="ContribAttention"/>), made once per graph (position tables and padding terms are shared by every block).
/// The constructor takes the sequence [B, T, D] (for the frame count) and its padding, bool [B, T], true = padding.
/// </summary>
internal sealed class FusedRotaryAttention : ConformerAttention
{
    private readonly GraphValue _cosCache, _sinCache, _positionOffset;
    private readonly ContribAttention _attention;

    public FusedRotaryAttention(OnnxGraphBuilder g, GraphValue sequence, GraphValue padding, ConformerShape c, float rotaryBase)
    {
        (_cosCache, _sinCache) = Rotary.Caches(g, sequence, c.Dim / c.Heads, rotaryBase);
        SequenceShape = g.Shape(sequence);
        _positionOffset = g.Int64s(0); // shape [1]: positions offset + 0..T−1
        _attention = new ContribAttention(g, padding, c.Heads, c.Dim / c.Heads);
    }

    internal override GraphValue Attend(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string prefix, GraphValue x) =>
        g.Reshape(AttendRows(g, c, w, prefix, g.Reshape(x, -1, c.Dim)), SequenceShape);

    /// <summary>The int64 shape [B, T, D] of the sequence the attention was made for.</summary>
    internal GraphValue SequenceShape { get; }

    /// <summary>
    /// Self-attention of the rows <paramref name="x"/> [B·T, D] of the sequence: [B·T, D]. 2-D rows let ONNX Runtime
    /// fuse each projection's MatMul and bias Add into one Gemm. Queries, keys and values come from one MatMul with
    /// the three projections side by side ([D, 3D]) and one bias add, then a Split.
    /// </summary>
    internal GraphValue AttendRows(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string prefix, GraphValue x)
    {
        GraphValue Rotate(GraphValue v) => g.DomainNode(OnnxGraphBuilder.MicrosoftDomain, "RotaryEmbedding", new[] { v, _positionOffset, _cosCache, _sinCache }, 1,
            NodeAttribute.Int("interleaved", 0), NodeAttribute.Int("num_heads", c.Heads))[0];
        var qkv = g.Node("Split", new[] { QueryKeyValue(g, c, w, prefix, x), g.Int64s(c.Dim, c.Dim, c.Dim) }, 3, NodeAttribute.Int("axis", 1));
        var q = Rotate(g.Reshape(qkv[0], SequenceShape));
        var k = Rotate(g.Reshape(qkv[1], SequenceShape));
        var v = g.Reshape(qkv[2], SequenceShape);
        var merged = _attention.WithKeyPadding(g, q, k, v);
        return Nn.Linear(g, g.Reshape(merged, -1, c.Dim), w, $"{prefix}.proj", c.Dim, c.Dim);
    }

    // x·[Wq Wk Wv] + [bq bk bv]: one [D, 3D] MatMul instead of three [D, D] ones (one pass over x, a wider GEMM).
    private static GraphValue QueryKeyValue(OnnxGraphBuilder g, ConformerShape c, WeightSet w, string prefix, GraphValue x)
    {
        long d = c.Dim;
        var weight = new float[d * 3 * d];
        var bias = new float[3 * d];
        string[] names = ["query", "key", "value"];
        for (int part = 0; part < 3; part++)
        {
            var transposed = Nn.Transpose2D(w.Get($"{prefix}.{names[part]}.weight", d, d).Data, d, d); // [in, out]
            for (long row = 0; row < d; row++)
                Array.Copy(transposed, row * d, weight, row * 3 * d + part * d, d);
            w.Get($"{prefix}.{names[part]}.bias", d).Data.CopyTo(bias, part * d);
        }
        var product = g.MatMul(x, g.Initializer($"{prefix}.qkv.weight", TensorData.FromFloat(weight, d, 3 * d)));
        return g.Add(product, g.Initializer($"{prefix}.qkv.bias", TensorData.FromFloat(bias, 3 * d)));
    }
}
