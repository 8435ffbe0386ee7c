using System.Numerics.Tensors;

namespace SoundStorm.Onnx.Generation.Sampling;

/// <summary>
/// Draws one token from a row of logits (temperature, top-k, top-p) and reports the model's log-probability of it.
/// Holds scratch buffers of the logits width so that sampling never allocates.
/// </summary>
internal sealed class TokenSampler(int width)
{
    private readonly float[] _scaled = new float[width];
    private readonly float[] _sortKeys = new float[width];
    private readonly int[] _sortIndices = new int[width];

    /// <summary>log softmax(logits)[token] at temperature 1, unfiltered: the model's own confidence in the token.</summary>
    public float LogProbability(ReadOnlySpan<float> logits, int token)
    {
        float max = TensorPrimitives.Max(logits);
        Span<float> shifted = _scaled.AsSpan(0, logits.Length);
        TensorPrimitives.Subtract(logits, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        return logits[token] - max - MathF.Log(TensorPrimitives.Sum(shifted));
    }

    /// <summary>The index of the largest logit (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => TensorPrimitives.IndexOfMax(logits);

    /// <summary>
    /// Samples a token from softmax(logits / temperature) restricted to the top-k and top-p set;
    /// temperature 0 gives the arg-max. Consumes exactly one uniform draw from <paramref name="rng"/> unless greedy.
    /// </summary>
    public int Sample(ReadOnlySpan<float> logits, float temperature, int topK, float topP, ref Xoshiro256StarStar rng)
    {
        if (temperature <= 0) return ArgMax(logits);
        int n = logits.Length;
        Span<float> scaled = _scaled.AsSpan(0, n);
        TensorPrimitives.Divide(logits, temperature, scaled);
        if (topK > 0 && topK < n) KeepTopK(scaled, topK);
        if (topP < 1) KeepTopP(scaled, topP);

        float max = TensorPrimitives.Max(scaled);
        TensorPrimitives.Subtract(scaled, max, scaled);
        TensorPrimitives.Exp(scaled, scaled);
        double target = rng.NextDouble() * TensorPrimitives.Sum(scaled);
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < n; i++)
        {
            if (scaled[i] <= 0) continue;
            cumulative += scaled[i];
            last = i;
            if (cumulative > target) return i;
        }
        return last; // rounding left the target just above the total: the last token with weight
    }

    private void KeepTopK(Span<float> scaled, int k)
    {
        Span<float> keys = _sortKeys.AsSpan(0, scaled.Length);
        scaled.CopyTo(keys);
        float threshold = KthLargest(keys, k);
        for (int i = 0; i < scaled.Length; i++)
            if (scaled[i] < threshold) scaled[i] = float.NegativeInfinity;
    }

    /// <summary>The k-th largest value (1-based) by quickselect: linear time, unlike sorting the whole row. Reorders <paramref name="values"/>.</summary>
    internal static float KthLargest(Span<float> values, int k)
    {
        int lo = 0, hi = values.Length - 1, target = k - 1;
        while (lo < hi)
        {
            float pivot = values[lo + (hi - lo) / 2];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] > pivot) i++;
                while (values[j] < pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return values[target];
        }
        return values[target];
    }

    /// <summary>Keeps a token iff the probability of the tokens ranked strictly above it is below p (the top-1 always stays).</summary>
    private void KeepTopP(Span<float> scaled, float p)
    {
        // Only tokens still in play are ranked (after top-k that is k of them, not the whole codebook).
        int m = 0;
        for (int i = 0; i < scaled.Length; i++)
        {
            if (float.IsNegativeInfinity(scaled[i])) continue;
            _sortKeys[m] = -scaled[i];
            _sortIndices[m++] = i;
        }
        Span<float> keys = _sortKeys.AsSpan(0, m);
        Span<int> order = _sortIndices.AsSpan(0, m);
        keys.Sort(order);
        float max = -keys[0];
        double total = 0;
        for (int j = 0; j < m; j++) total += Math.Exp(-keys[j] - max);
        double above = 0;
        for (int j = 0; j < m; j++)
        {
            if (above >= p * total) scaled[order[j]] = float.NegativeInfinity;
            above += Math.Exp(-keys[j] - max);
        }
    }
}
