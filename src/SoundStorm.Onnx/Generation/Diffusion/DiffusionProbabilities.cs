namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The RNG-free per-position arithmetic of the seed sampler (upstream-facts §2.3 step 7 and §2.6):
/// network logits → log p̂(x₀), top-r truncation, purity score and the purity-sharpened distribution.
/// Rows are over all classes with the mask class last.
/// </summary>
internal static class DiffusionProbabilities
{
    public const float Floor = -70f;

    /// <summary>log-softmax of the network's logits (float64), a −70 row for the mask class, clamped to [−70, 0].</summary>
    public static void LogX0(ReadOnlySpan<float> logits, Span<float> destination)
    {
        double max = double.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        double sum = 0;
        foreach (float l in logits) sum += Math.Exp(l - max);
        double lse = max + Math.Log(sum);
        for (int i = 0; i < logits.Length; i++) destination[i] = (float)Math.Clamp(logits[i] - lse, Floor, 0);
        destination[logits.Length] = Floor;
    }

    /// <summary>
    /// Keeps a class iff the probability of the classes ranked strictly above it is below r (so the top-1 always stays);
    /// sets the others to −70 without renormalising. <paramref name="keys"/> and <paramref name="order"/> are scratch.
    /// </summary>
    public static void TruncateTopR(Span<float> logProbs, float r, Span<float> keys, Span<int> order)
    {
        int n = logProbs.Length;
        for (int i = 0; i < n; i++)
        {
            keys[i] = -logProbs[i];
            order[i] = i;
        }
        keys[..n].Sort(order[..n]);
        double above = 0;
        for (int j = 0; j < n; j++)
        {
            int i = order[j];
            double p = Math.Exp(logProbs[i]);
            if (above >= r) logProbs[i] = Floor;
            above += p;
        }
    }

    /// <summary>The largest probability of a position, clamped to [0, 1] (before normalising over positions).</summary>
    public static float RawPurity(ReadOnlySpan<float> logProbs)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logProbs) max = Math.Max(max, l);
        return Math.Clamp(MathF.Exp(max), 0f, 1f);
    }

    /// <summary>
    /// log softmax((1 + weight·purity) · log p̂₀), clamped to [−70, 0], with the classes from <paramref name="firstExcluded"/>
    /// on (pads and mask) set to −70: the distribution a revealed token is drawn from.
    /// </summary>
    public static void Sharpen(ReadOnlySpan<float> logProbs, float purity, float weight, int firstExcluded, Span<float> destination)
    {
        double scale = 1 + weight * purity;
        double max = double.NegativeInfinity;
        foreach (float l in logProbs) max = Math.Max(max, scale * l);
        double sum = 0;
        foreach (float l in logProbs) sum += Math.Exp(scale * l - max);
        double lse = max + Math.Log(sum);
        for (int i = 0; i < logProbs.Length; i++)
            destination[i] = i >= firstExcluded ? Floor : (float)Math.Clamp(scale * logProbs[i] - lse, Floor, 0);
    }

    /// <summary>Gumbel-max draw over the first <paramref name="classes"/> entries of a log-probability row.</summary>
    public static int GumbelMax(ReadOnlySpan<float> logProbs, int classes, ref Xoshiro256StarStar rng)
    {
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < classes; i++)
        {
            double score = logProbs[i] + rng.NextGumbel();
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }
}
