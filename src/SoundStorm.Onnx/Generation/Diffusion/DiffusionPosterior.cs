namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// log p(x_{t−1} | x_t) for one position from the network's log p̂(x₀) (upstream-facts §2.4 "Posterior"):
/// the forward process inverted with Bayes' rule and averaged over p̂(x₀), all in log space, clamped to [−70, 0].
/// </summary>
internal sealed class DiffusionPosterior(DiffusionSchedule schedule)
{
    private readonly double[] _r = new double[schedule.Classes];

    /// <param name="logX0">log p̂(x₀) over all classes (the mask class last; only the non-mask rows are used).</param>
    /// <param name="xt">The current token at this position (the mask id = Classes − 1 when masked).</param>
    /// <param name="t">Diffusion step 0..Steps−1.</param>
    /// <param name="destination">log p(x_{t−1} | x_t) over all classes.</param>
    public void Compute(ReadOnlySpan<float> logX0, int xt, int t, Span<float> destination)
    {
        int n = schedule.Classes, mask = n - 1;
        bool masked = xt == mask;
        var s = schedule;
        // A_j = log q(x_t | x₀ = j) for the non-mask j.
        double aSame = DiffusionSchedule.LogAddExp(s.LogAlphaBar[t], s.LogBetaBar[t]);
        double aOther = DiffusionSchedule.LogAddExp(DiffusionSchedule.LogZero + s.LogAlphaBar[t], s.LogBetaBar[t]);
        double max = double.NegativeInfinity;
        for (int j = 0; j < mask; j++)
        {
            double a = masked ? s.LogGammaBar[t] : j == xt ? aSame : aOther;
            _r[j] = logX0[j] - a;
            max = Math.Max(max, _r[j]);
        }
        _r[mask] = DiffusionSchedule.LogZero;
        max = Math.Max(max, _r[mask]);
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.Exp(_r[j] - max);
        double z = max + Math.Log(sum);

        int c = s.CumulativeIndex(t - 1);
        // B_i = log q(x_t | x_{t−1} = i).
        double bSame = DiffusionSchedule.LogAddExp(s.LogAlpha[t], s.LogBeta[t]);
        double bOther = DiffusionSchedule.LogAddExp(DiffusionSchedule.LogZero + s.LogAlpha[t], s.LogBeta[t]);
        for (int i = 0; i < mask; i++)
        {
            double q = DiffusionSchedule.LogAddExp(_r[i] - z + s.LogAlphaBar[c], s.LogBetaBar[c]);
            double b = masked ? s.LogGamma[t] : i == xt ? bSame : bOther;
            destination[i] = (float)Math.Clamp(q + b + z, -70, 0);
        }
        double qMask = DiffusionSchedule.LogAddExp(_r[mask] - z + s.LogOneMinusGammaBar[c], s.LogGammaBar[c]);
        double bMask = masked ? 0 : DiffusionSchedule.LogZero;
        destination[mask] = (float)Math.Clamp(qMask + bMask + z, -70, 0);
    }
}
