namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The seed sampler's log-space arithmetic (upstream-facts §2.4, §2.6) for one position at a time: x̂₀ from logits,
/// top-r truncation, and the posterior log p(x_{t−1} | x_t, x̂₀). Everything is float64 internally; inputs and
/// outputs are float32 like the original's tensors. Class layout: 0..C−2 real classes, C−1 the mask.
/// </summary>
internal static class DiffusionPosterior
{
    /// <summary>Upstream's stand-in for log 0: log(1e−30).</summary>
    public static readonly double LogZero = Math.Log(1e-30);

    /// <summary>The clamp floor of every log-probability.</summary>
    public const float Floor = -70f;

    /// <summary>
    /// log x̂₀ for one position: log-softmax of the <paramref name="logits"/> (C−1 classes, computed in float64),
    /// followed by −70 for the mask class, clamped to [−70, 0]. <paramref name="destination"/> has C entries.
    /// </summary>
    public static void LogX0(ReadOnlySpan<float> logits, Span<float> destination)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in logits) sum += Math.Exp(v - max);
        double logZ = max + Math.Log(sum);
        for (int k = 0; k < logits.Length; k++) destination[k] = Math.Clamp((float)(logits[k] - logZ), Floor, 0f);
        destination[logits.Length] = Floor;
    }

    /// <summary>
    /// Top-r truncation in place: keeps a class iff the probability mass of the classes ranked strictly above it is
    /// below <paramref name="r"/> (so the most likely class always survives); the others become −70. Not renormalised.
    /// <paramref name="keys"/> and <paramref name="order"/> are scratch spans of the same length (no allocation).
    /// </summary>
    public static void TruncateTopR(Span<float> logProbabilities, float r, Span<float> keys, Span<int> order)
    {
        for (int k = 0; k < order.Length; k++)
        {
            order[k] = k;
            keys[k] = -logProbabilities[k]; // ascending keys = descending probabilities
        }
        keys.Sort(order);
        double above = 0;
        for (int rank = 0; rank < order.Length; rank++)
        {
            int k = order[rank];
            double p = Math.Exp(logProbabilities[k]);
            if (above >= r) logProbabilities[k] = Floor;
            above += p;
        }
    }

    /// <summary>
    /// log p(x_{t−1} | x_t) for one position whose current token is <paramref name="token"/> (the mask id = C−1 when
    /// masked), given log x̂₀ (C entries) at diffusion index <paramref name="t"/> (0-based; t−1 = −1 uses the identity).
    /// </summary>
    public static void Posterior(DiffusionSchedule s, ReadOnlySpan<float> logX0, int token, int t, Span<float> destination)
    {
        int classes = s.Classes, mask = classes - 1;
        bool masked = token == mask;
        Span<double> r = classes <= 2048 ? stackalloc double[classes] : new double[classes];

        // A = log q(x_t | x_0 = k) for the real classes k; B = log q(x_t | x_{t−1} = k) (mask row: 0 if masked, else log 0).
        double cumAt = s.LogCumAt[t], cumBt = s.LogCumBt[t], cumCt = s.LogCumCt[t];
        for (int k = 0; k < mask; k++)
        {
            double a = masked ? cumCt : LogAddExp((k == token ? 0 : LogZero) + cumAt, cumBt);
            r[k] = logX0[k] - a;
        }
        r[mask] = LogZero;
        double max = double.NegativeInfinity;
        foreach (double v in r) max = Math.Max(max, v);
        double sum = 0;
        foreach (double v in r) sum += Math.Exp(v - max);
        double logZ = max + Math.Log(sum);

        int previous = t - 1 < 0 ? s.Steps : t - 1;
        double pAt = s.LogCumAt[previous], pBt = s.LogCumBt[previous], pCt = s.LogCumCt[previous], p1MinusCt = s.Log1MinusCumCt[previous];
        double at = s.LogAt[t], bt = s.LogBt[t], ct = s.LogCt[t];
        double rMask = r[mask] - logZ;
        for (int k = 0; k < classes; k++)
        {
            double rk = r[k] - logZ;
            double qPrevious = k < mask ? LogAddExp(rk + pAt, pBt) : LogAddExp(rMask + p1MinusCt, pCt);
            double oneStep = k < mask
                ? (masked ? ct : LogAddExp((k == token ? 0 : LogZero) + at, bt))
                : (masked ? 0 : LogZero);
            destination[k] = (float)Math.Clamp(qPrevious + oneStep + logZ, Floor, 0);
        }
    }

    private static double LogAddExp(double a, double b)
    {
        double max = Math.Max(a, b);
        if (double.IsNegativeInfinity(max)) return max;
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
