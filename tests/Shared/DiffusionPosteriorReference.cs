using SoundStorm.Onnx.Generation.Diffusion;

namespace SoundStorm.Tests.Shared;

/// <summary>
/// The seed sampler's posterior log p(x_{t−1} | x_t, x̂₀) for one position, written one class at a time in float64 the
/// way upstream-facts §2.4 reads: the reference both the runtime's vectorised rows and the trainer's loss are checked
/// against. Class layout: 0..C−2 real classes, C−1 the mask; results clamped to [−70, 0].
/// </summary>
internal static class DiffusionPosteriorReference
{
    private static readonly double LogZero = Math.Log(1e-30);

    public static double[] Posterior(DiffusionSchedule s, IReadOnlyList<double> logX0, int token, int t)
    {
        int classes = s.Classes, mask = classes - 1;
        bool masked = token == mask;
        var r = new double[classes];
        for (int k = 0; k < mask; k++)
            r[k] = logX0[k] - (masked ? s.LogCumCt[t] : LogAddExp((k == token ? 0 : LogZero) + s.LogCumAt[t], s.LogCumBt[t]));
        r[mask] = LogZero;
        double max = r.Max(), logZ = max + Math.Log(r.Sum(v => Math.Exp(v - max)));
        int previous = t == 0 ? s.Steps : t - 1;
        var result = new double[classes];
        for (int k = 0; k < classes; k++)
        {
            double rk = r[k] - logZ;
            double prior = k < mask ? LogAddExp(rk + s.LogCumAt[previous], s.LogCumBt[previous]) : LogAddExp(rk + s.Log1MinusCumCt[previous], s.LogCumCt[previous]);
            double oneStep = k < mask ? (masked ? s.LogCt[t] : LogAddExp((k == token ? 0 : LogZero) + s.LogAt[t], s.LogBt[t])) : (masked ? 0 : LogZero);
            result[k] = Math.Clamp(prior + oneStep + logZ, -70, 0);
        }
        return result;
    }

    private static double LogAddExp(double a, double b)
    {
        double max = Math.Max(a, b);
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
