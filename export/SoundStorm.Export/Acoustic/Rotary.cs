using SoundStorm.Export.Onnx;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// Rotary position embeddings (RoFormer), "rotate half" convention: for head dim d, frequency i &lt; d/2 pairs
/// feature i with feature i + d/2. Tables are computed in the graph from the frame count, so any length works.
/// </summary>
public static class Rotary
{
    /// <summary>
    /// cos and sin tables [T, headDim] for the frames of <paramref name="sequence"/> [B, T, ...], at positions
    /// offset..offset+T−1 (<paramref name="offset"/>: an int64 scalar value, 0 when null).
    /// </summary>
    public static (GraphValue Cos, GraphValue Sin) Tables(OnnxGraphBuilder g, GraphValue sequence, long headDim, float theta, GraphValue? offset = null)
    {
        var inverse = new float[headDim];
        for (long i = 0; i < headDim / 2; i++)
            inverse[i] = inverse[i + headDim / 2] = InverseFrequency(i, headDim, theta);
        return CosSin(g, sequence, inverse, offset);
    }

    /// <summary>
    /// The half-width cos and sin caches [T, headDim/2] (one column per frequency) for positions 0..T−1 of
    /// <paramref name="sequence"/> [B, T, ...]: the form com.microsoft <c>RotaryEmbedding</c> reads, which applies
    /// frequency i to the feature pair (i, i + headDim/2) when <c>interleaved</c> = 0 — the same rotation as <see cref="Apply"/>.
    /// </summary>
    public static (GraphValue Cos, GraphValue Sin) Caches(OnnxGraphBuilder g, GraphValue sequence, long headDim, float theta)
    {
        var inverse = new float[headDim / 2];
        for (long i = 0; i < headDim / 2; i++) inverse[i] = InverseFrequency(i, headDim, theta);
        return CosSin(g, sequence, inverse, null);
    }

    private static float InverseFrequency(long i, long headDim, float theta) => (float)Math.Pow(theta, -2.0 * i / headDim);

    private static (GraphValue Cos, GraphValue Sin) CosSin(OnnxGraphBuilder g, GraphValue sequence, float[] inverse, GraphValue? offset)
    {
        var frames = g.Cast(g.Squeeze(g.Slice(g.Shape(sequence), new long[] { 1 }, new long[] { 2 }, new long[] { 0 }), 0), ElementType.Float);
        var start = offset is { } o ? g.Cast(o, ElementType.Float) : g.FloatScalar(0f);
        var positions = g.Unsqueeze(g.Node("Range", new[] { start, g.Add(start, frames), g.FloatScalar(1f) }), 1); // [T, 1]
        var angles = g.Mul(positions, g.Constant("rotary_inverse_frequencies", TensorData.FromFloat(inverse, 1, inverse.Length)));
        return (g.Node("Cos", new[] { angles }), g.Node("Sin", new[] { angles }));
    }

    /// <summary>x·cos + rotate_half(x)·sin for x [B, H, T, headDim].</summary>
    public static GraphValue Apply(OnnxGraphBuilder g, GraphValue x, GraphValue cos, GraphValue sin, long headDim)
    {
        long half = headDim / 2;
        var first = g.Slice(x, new long[] { 0 }, new long[] { half }, new long[] { 3 });
        var second = g.Slice(x, new long[] { half }, new long[] { headDim }, new long[] { 3 });
        var rotated = g.Concat(3, g.Neg(second), first);
        return g.Add(g.Mul(x, cos), g.Mul(rotated, sin));
    }
}
