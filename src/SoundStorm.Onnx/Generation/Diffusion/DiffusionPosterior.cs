using System.Numerics;
using System.Numerics.Tensors;

namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The seed sampler's log-space arithmetic (upstream-facts §2.4, §2.6) for one position at a time: x̂₀ from logits,
/// top-r truncation, and the posterior log p(x_{t−1} | x_t, x̂₀). Everything is float64 internally; inputs and
/// outputs are float32 like the original's tensors. Class layout: 0..C−2 real classes, C−1 the mask.
/// </summary>
/// <remarks>
/// The sampler calls these for every (frame, codebook) position at every step — 2,000 rows of 1,027 classes per step
/// for 10 s of the seed's default model — so each row is worked as whole-row vector operations
/// (<see cref="TensorPrimitives"/>) and top-r truncation finds its cut by selection instead of sorting the row.
/// Against the one-class-at-a-time formulation this reorders float64 sums and uses vectorised exp/log, which moves
/// results by a few units in the last place of a double: far below the float32 outputs' resolution.
/// </remarks>
internal static class DiffusionPosterior
{
    /// <summary>Upstream's stand-in for log 0: log(1e−30).</summary>
    public static readonly double LogZero = Math.Log(1e-30);

    // e^LogZero: the mask class's share of the normaliser in every posterior.
    private static readonly double ZeroProbability = Math.Exp(LogZero);

    /// <summary>The clamp floor of every log-probability.</summary>
    public const float Floor = -70f;

    /// <summary>
    /// log x̂₀ for one position: log-softmax of the <paramref name="logits"/> (C−1 classes, computed in float64),
    /// followed by −70 for the mask class, clamped to [−70, 0]. <paramref name="destination"/> has C entries.
    /// </summary>
    public static void LogX0(ReadOnlySpan<float> logits, Span<float> destination, PosteriorScratch scratch)
    {
        int n = logits.Length;
        Span<double> x = scratch.First.AsSpan(0, n), shifted = scratch.Second.AsSpan(0, n);
        TensorPrimitives.ConvertChecked(logits, x);
        double max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        double logZ = max + Math.Log(TensorPrimitives.Sum(shifted));
        RowKernels.OffsetClampToFloat(x, -logZ, Floor, destination[..n]);
        destination[n] = Floor;
    }

    /// <summary>
    /// Top-r truncation in place: ranking the classes by probability (ties: the lower class first), keeps a class iff
    /// the probability mass of the classes ranked above it is below <paramref name="r"/> (so the most likely class
    /// always survives); the others become −70. Not renormalised. Leaves e^(log p̂₀) of the truncated row in
    /// <see cref="PosteriorScratch.Probabilities"/>.
    /// </summary>
    public static void TruncateTopR(Span<float> logProbabilities, float r, PosteriorScratch scratch)
    {
        int n = logProbabilities.Length;
        Span<double> p = scratch.Probabilities.AsSpan(0, n), log = scratch.Second.AsSpan(0, n);
        TensorPrimitives.ConvertChecked(logProbabilities, log);
        TensorPrimitives.Exp(log, p);
        var (threshold, keptAtThreshold) = TopRCut.Find(p, r, scratch.Indices.AsSpan(0, n));
        int first = p.IndexOf(threshold);
        double atThreshold = log[first];
        KeepAbove(p, threshold, log);
        // Classes tied at the threshold: the first ones (by class) are kept; rare outside toy vocabularies.
        for (int k = first; k < n && keptAtThreshold > 0; k++)
            if (p[k] == threshold)
            {
                log[k] = atThreshold;
                keptAtThreshold--;
            }
        TensorPrimitives.ConvertChecked<double, float>(log, logProbabilities);
        FloorCutProbabilities(log, p);
    }

    // log[k] = −70 wherever p[k] ≤ threshold, as vector selects: which classes survive follows no pattern a branch
    // predictor could learn.
    private static void KeepAbove(ReadOnlySpan<double> p, double threshold, Span<double> log)
    {
        var limit = new Vector<double>(threshold);
        var floor = new Vector<double>(Floor);
        int k = 0;
        for (; k <= p.Length - Vector<double>.Count; k += Vector<double>.Count)
        {
            var keep = Vector.GreaterThan(new Vector<double>(p[k..]), limit);
            Vector.ConditionalSelect(keep, new Vector<double>(log[k..]), floor).CopyTo(log[k..]);
        }
        for (; k < p.Length; k++)
            if (!(p[k] > threshold)) log[k] = Floor;
    }

    // e^(−70) exactly as the vector exp the posterior runs over a row gives it.
    private static readonly double FloorProbability = VectorExp(Floor);

    private static double VectorExp(double x)
    {
        Span<double> lanes = stackalloc double[4 * Vector<double>.Count];
        lanes.Fill(x);
        TensorPrimitives.Exp(lanes, lanes);
        return lanes[0];
    }

    // p[k] = e^(−70) for the classes the truncation cut (log[k] = −70): p is then e^log for the whole truncated row,
    // the same values the posterior's own exp of the row gives (kept classes keep theirs, computed from the same log).
    private static void FloorCutProbabilities(ReadOnlySpan<double> log, Span<double> p)
    {
        var floor = new Vector<double>(Floor);
        var cut = new Vector<double>(FloorProbability);
        int k = 0;
        for (; k <= p.Length - Vector<double>.Count; k += Vector<double>.Count)
        {
            var isCut = Vector.Equals(new Vector<double>(log[k..]), floor);
            Vector.ConditionalSelect(isCut, cut, new Vector<double>(p[k..])).CopyTo(p[k..]);
        }
        for (; k < p.Length; k++)
            if (log[k] == Floor) p[k] = FloorProbability;
    }

    /// <summary>
    /// log p(x_{t−1} | x_t) for one position whose current token is <paramref name="token"/> (the mask id = C−1 when
    /// masked), given log x̂₀ (C entries) at diffusion index <paramref name="t"/> (0-based; t−1 = −1 uses the identity).
    /// </summary>
    /// <remarks>
    /// Upstream works in log space: A_k = log x̂₀_k − c (c per position; the current token's own c′), normalised by
    /// log Z = logsumexp(A), then q_k = logaddexp(A_k − log Z + log ᾱ_{t−1}, log γ̄_{t−1}) + d + log Z. For every class but
    /// the token and the mask that is log(x̂₀_k · α + β) + d + log Z with the scalars α = e^{log ᾱ_{t−1} − c − log Z} and
    /// β = e^{log γ̄_{t−1}}: one exp and one log per class instead of three exps and a log — the same values to a few
    /// units in the last place of a double, far below the float32 output's resolution.
    /// </remarks>
    /// <param name="s">The noise schedule.</param>
    /// <param name="logX0">log x̂₀, C entries.</param>
    /// <param name="token">The position's current token.</param>
    /// <param name="t">The diffusion index.</param>
    /// <param name="destination">C entries.</param>
    /// <param name="scratch">Working rows.</param>
    /// <param name="probabilities">e^(log x̂₀) when the caller has it (<see cref="PosteriorScratch.Probabilities"/>
    /// right after <see cref="TruncateTopR"/> of the same row); empty: computed here.</param>
    public static void Posterior(DiffusionSchedule s, ReadOnlySpan<float> logX0, int token, int t, Span<float> destination, PosteriorScratch scratch,
        ReadOnlySpan<double> probabilities = default)
    {
        int classes = s.Classes, mask = classes - 1;
        bool masked = token == mask;
        Span<double> q = scratch.Second.AsSpan(0, classes);
        ReadOnlySpan<double> p = probabilities.IsEmpty ? Probabilities(logX0[..mask], scratch.First.AsSpan(0, mask)) : probabilities[..mask];

        // x̂₀'s probabilities, and log Z over A_k = log x̂₀_k − c (the token's with c′) and the mask's A = log 0.
        double cumAt = s.LogCumAt[t], cumBt = s.LogCumBt[t], cumCt = s.LogCumCt[t];
        double c = masked ? cumCt : LogAddExp(LogZero + cumAt, cumBt);
        double tokenC = masked ? c : LogAddExp(cumAt, cumBt); // c′: the current token's own offset
        double z = ZeroProbability;
        if (masked) z += TensorPrimitives.Sum(p) * Math.Exp(-c);
        else z += (TensorPrimitives.Sum(p[..token]) + TensorPrimitives.Sum(p[(token + 1)..])) * Math.Exp(-c)
                  + Math.Exp(logX0[token] - tokenC);
        double logZ = Math.Log(z);
        double rToken = masked ? 0 : logX0[token] - tokenC - logZ, rMask = LogZero - logZ;

        // log q(x_{t−1} = k | x_0) + log q(x_t | x_{t−1} = k), then + log Z; the token's and the mask's terms differ.
        int previous = t - 1 < 0 ? s.Steps : t - 1;
        double pAt = s.LogCumAt[previous], pBt = s.LogCumBt[previous], pCt = s.LogCumCt[previous], p1MinusCt = s.Log1MinusCumCt[previous];
        double at = s.LogAt[t], bt = s.LogBt[t], ct = s.LogCt[t];
        double d = masked ? ct : LogAddExp(LogZero + at, bt);
        Span<double> real = q[..mask];
        RowKernels.ScaleShift(p, Math.Exp(pAt - c - logZ), Math.Exp(pBt), real);
        TensorPrimitives.Log(real, real);
        RowKernels.OffsetClampToFloat(real, d + logZ, Floor, destination[..mask]);
        if (!masked) destination[token] = ClampToFloat(LogAddExp(rToken + pAt, pBt) + LogAddExp(at, bt) + logZ);
        destination[mask] = ClampToFloat(LogAddExp(rMask + p1MinusCt, pCt) + (masked ? 0 : LogZero) + logZ);
    }

    private static Span<double> Probabilities(ReadOnlySpan<float> log, Span<double> destination)
    {
        TensorPrimitives.ConvertChecked(log, destination);
        TensorPrimitives.Exp(destination, destination);
        return destination;
    }

    /// <summary>log(eᵃ + eᵇ), −∞ when both are.</summary>
    public static double LogAddExp(double a, double b)
    {
        double max = Math.Max(a, b);
        if (double.IsNegativeInfinity(max)) return max;
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }

    // (float)Math.Clamp(x, −70, 0) for one value, as RowKernels.OffsetClampToFloat does a row.
    private static float ClampToFloat(double x) => (float)Math.Min(Math.Max(x, Floor), 0);
}
