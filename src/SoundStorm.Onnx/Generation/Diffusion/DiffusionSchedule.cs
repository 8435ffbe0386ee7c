namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The seed model's mask-and-replace noise schedule (VQ-Diffusion "alpha1"; upstream-facts §2.4), in float64 logs.
/// ᾱ and γ̄ move linearly over the steps; α, γ, β are the one-step rates. Index 0..Steps−1 is diffusion step t;
/// the cumulative tables have one extra entry at index Steps, the identity used for "t = −1".
/// </summary>
internal sealed class DiffusionSchedule
{
    public const double LogZero = -69.07755278982137; // log(1e−30), upstream's stand-in for log 0

    public DiffusionSchedule(int steps = 100, int classes = 1027,
        double alphaBarFirst = 0.99999, double alphaBarLast = 0.000009, double gammaBarFirst = 0.000009, double gammaBarLast = 0.9)
    {
        Steps = steps;
        Classes = classes;
        LogAlpha = new double[steps];
        LogBeta = new double[steps];
        LogGamma = new double[steps];
        LogOneMinusGamma = new double[steps];
        LogAlphaBar = new double[steps + 1];
        LogBetaBar = new double[steps + 1];
        LogGammaBar = new double[steps + 1];
        LogOneMinusGammaBar = new double[steps + 1];
        double previousAlphaBar = 1, previousGammaBar = 0;
        for (int t = 0; t < steps; t++)
        {
            double fraction = steps == 1 ? 0 : (double)t / (steps - 1);
            double alphaBar = alphaBarFirst + fraction * (alphaBarLast - alphaBarFirst);
            double gammaBar = gammaBarFirst + fraction * (gammaBarLast - gammaBarFirst);
            double alpha = alphaBar / previousAlphaBar;
            double gamma = 1 - (1 - gammaBar) / (1 - previousGammaBar);
            double beta = (1 - alpha - gamma) / classes;
            LogAlpha[t] = Math.Log(alpha);
            LogBeta[t] = Math.Log(beta);
            LogGamma[t] = Math.Log(gamma);
            LogOneMinusGamma[t] = Math.Log(1 - gamma);
            LogAlphaBar[t] = Math.Log(alphaBar);
            LogBetaBar[t] = Math.Log((1 - alphaBar - gammaBar) / classes);
            LogGammaBar[t] = Math.Log(gammaBar);
            LogOneMinusGammaBar[t] = Math.Log(1 - gammaBar);
            previousAlphaBar = alphaBar;
            previousGammaBar = gammaBar;
        }
        LogAlphaBar[steps] = 0;
        LogBetaBar[steps] = double.NegativeInfinity;
        LogGammaBar[steps] = double.NegativeInfinity;
        LogOneMinusGammaBar[steps] = 0;
    }

    /// <summary>Diffusion steps T.</summary>
    public int Steps { get; }

    /// <summary>Classes N including the mask class (the mask is the last class).</summary>
    public int Classes { get; }

    public double[] LogAlpha { get; }
    public double[] LogBeta { get; }
    public double[] LogGamma { get; }
    public double[] LogOneMinusGamma { get; }
    public double[] LogAlphaBar { get; }
    public double[] LogBetaBar { get; }
    public double[] LogGammaBar { get; }
    public double[] LogOneMinusGammaBar { get; }

    /// <summary>Index into the cumulative tables for step t, where t = −1 maps to the identity entry.</summary>
    public int CumulativeIndex(int t) => (t + Steps + 1) % (Steps + 1);

    /// <summary>log(eᵃ + eᵇ), exact when either side is −∞.</summary>
    public static double LogAddExp(double a, double b)
    {
        double max = Math.Max(a, b);
        if (double.IsNegativeInfinity(max)) return max;
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
