using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Onnx.Blocks;

/// <summary>State-dict names of an attention module's four projections.</summary>
/// <param name="Query">Query projection name.</param>
/// <param name="Key">Key projection name.</param>
/// <param name="Value">Value projection name.</param>
/// <param name="Output">Output projection name.</param>
public sealed record AttentionNames(string Query = "query", string Key = "key", string Value = "value", string Output = "proj");

public static partial class Nn
{
    /// <summary>
    /// Multi-head attention with separate query/key/value/output Linears (with biases): queries from
    /// <paramref name="x"/> [B, Tq, D], keys and values from <paramref name="context"/> [B, Tk, Dc] (pass x itself for
    /// self-attention). <paramref name="keyPaddingMask"/> (bool [B, Tk], true = padding) removes padded keys.
    /// </summary>
    public static GraphValue MultiHeadAttention(
        OnnxGraphBuilder g, GraphValue x, GraphValue context, WeightSet w, string prefix,
        long dim, long contextDim, long heads, GraphValue? keyPaddingMask = null, AttentionNames? names = null, GraphValue? blockedScores = null)
    {
        names ??= new AttentionNames();
        if (dim % heads != 0) throw new ArgumentException($"Attention '{prefix}': width {dim} is not divisible by {heads} heads.");
        long headDim = dim / heads;
        var q = SplitHeads(g, Linear(g, x, w, $"{prefix}.{names.Query}", dim, dim), heads, headDim);
        var k = SplitHeads(g, Linear(g, context, w, $"{prefix}.{names.Key}", contextDim, dim), heads, headDim);
        var v = SplitHeads(g, Linear(g, context, w, $"{prefix}.{names.Value}", contextDim, dim), heads, headDim);
        return AttendHeads(g, q, k, v, w, $"{prefix}.{names.Output}", dim, heads, keyPaddingMask, blockedScores);
    }

    /// <summary>
    /// Keys or values of <paramref name="context"/> [B, Tk, Dc] through the Linear <paramref name="name"/>, split into
    /// heads: [B, H, Tk, D/H]. What <see cref="MultiHeadAttention"/> computes for its keys and values, for a graph that
    /// computes them once and passes them on.
    /// </summary>
    public static GraphValue ProjectHeads(OnnxGraphBuilder g, GraphValue context, WeightSet w, string name, long contextDim, long dim, long heads) =>
        SplitHeads(g, Linear(g, context, w, name, contextDim, dim), heads, dim / heads);

    /// <summary>
    /// The attention of queries <paramref name="q"/> to keys <paramref name="k"/> and values <paramref name="v"/>, all
    /// split into heads ([B, H, T, D/H]), then the output Linear <paramref name="output"/>: [B, Tq, D].
    /// </summary>
    public static GraphValue AttendHeads(OnnxGraphBuilder g, GraphValue q, GraphValue k, GraphValue v, WeightSet w, string output, long dim, long heads,
        GraphValue? keyPaddingMask = null, GraphValue? blockedScores = null)
    {
        long headDim = dim / heads;
        // Scale q before the product: the same rounding PyTorch's reference paths take when scaling scores is folded.
        var scores = g.MatMul(q, g.Transpose(k, 0, 1, 3, 2));
        scores = g.Mul(scores, g.FloatScalar((float)(1.0 / Math.Sqrt(headDim))));
        if (keyPaddingMask is { } mask)
        {
            // [B, Tk] → [B, 1, 1, Tk]; a large negative rather than −inf keeps fully padded rows finite.
            var blocked = g.Unsqueeze(mask, 1, 2);
            scores = g.Where(blocked, g.FloatScalar(-1e9f), scores);
        }
        if (blockedScores is { } pairs) scores = g.Where(pairs, g.FloatScalar(-1e9f), scores); // [Tq, Tk], true = not attended
        var attention = g.Softmax(scores, -1);
        var merged = g.Reshape(g.Transpose(g.MatMul(attention, v), 0, 2, 1, 3), 0, 0, dim);
        return Linear(g, merged, w, output, dim, dim);
    }

    private static GraphValue SplitHeads(OnnxGraphBuilder g, GraphValue x, long heads, long headDim) =>
        g.Transpose(g.Reshape(x, 0, 0, heads, headDim), 0, 2, 1, 3);
}
