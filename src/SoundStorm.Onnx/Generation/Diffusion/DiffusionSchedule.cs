namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The seed model's mask-and-replace noise schedule (VQ-Diffusion "alpha1", upstream-facts §2.4) in log space, as
/// the float32 buffers the original stores. Index t = 0..Steps−1 is diffusion step s = t + 1; the cumulative arrays
/// have one more entry, index <see cref="Steps"/>, the identity used for "t = −1".
/// </summary>
/// <remarks>
/// Internal to the runtime; the trainer compiles this same file (linked in its project) so that training and sampling
/// use one schedule without making it public API.
/// </remarks>
internal sealed class DiffusionSchedule
{
    /// <summary>Creates the schedule (defaults: the seed's 100 steps over 1027 classes, γ̄_T = 0.9).</summary>
    public DiffusionSchedule(int steps = 100, int classes = 1027, double cumulativeAlphaFirst = 0.99999, double cumulativeAlphaLast = 0.000009,
        double cumulativeGammaFirst = 0.000009, double cumulativeGammaLast = 0.9)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A schedule needs at least two steps.");
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "At least one token class plus the mask is needed.");
        Steps = steps;
        Classes = classes;
        LogAt = new float[steps]; LogBt = new float[steps]; LogCt = new float[steps]; Log1MinusCt = new float[steps];
        LogCumAt = new float[steps + 1]; LogCumBt = new float[steps + 1]; LogCumCt = new float[steps + 1]; Log1MinusCumCt = new float[steps + 1];

        int n = classes; // upstream spreads the uniform-replacement share over num_classes, the mask included
        double previousAtt = 1, previousOneMinusCtt = 1;
        for (int t = 0; t < steps; t++)
        {
            double att = (double)t / (steps - 1) * (cumulativeAlphaLast - cumulativeAlphaFirst) + cumulativeAlphaFirst;
            double ctt = (double)t / (steps - 1) * (cumulativeGammaLast - cumulativeGammaFirst) + cumulativeGammaFirst;
            double at = att / previousAtt;
            double ct = 1 - (1 - ctt) / previousOneMinusCtt;
            double bt = (1 - at - ct) / n;
            double btt = (1 - att - ctt) / n;
            LogAt[t] = (float)Math.Log(at); LogBt[t] = (float)Math.Log(bt); LogCt[t] = (float)Math.Log(ct);
            LogCumAt[t] = (float)Math.Log(att); LogCumBt[t] = (float)Math.Log(btt); LogCumCt[t] = (float)Math.Log(ctt);
            previousAtt = att;
            previousOneMinusCtt = 1 - ctt;
        }
        LogCumAt[steps] = 0; LogCumBt[steps] = (float)Math.Log(0.0); LogCumCt[steps] = (float)Math.Log(0.0);
        for (int t = 0; t < steps; t++) Log1MinusCt[t] = (float)LogOneMinusExp(LogCt[t]);
        for (int t = 0; t <= steps; t++) Log1MinusCumCt[t] = (float)LogOneMinusExp(LogCumCt[t]);
    }

    /// <summary>Number of diffusion steps.</summary>
    public int Steps { get; }

    /// <summary>Number of classes including the mask (the mask is the last one).</summary>
    public int Classes { get; }

    /// <summary>log α_s.</summary>
    public float[] LogAt { get; }
    /// <summary>log β_s.</summary>
    public float[] LogBt { get; }
    /// <summary>log γ_s.</summary>
    public float[] LogCt { get; }
    /// <summary>log(1 − γ_s).</summary>
    public float[] Log1MinusCt { get; }
    /// <summary>log ᾱ_s (last entry: the identity, 0).</summary>
    public float[] LogCumAt { get; }
    /// <summary>log β̄_s (last entry: −∞).</summary>
    public float[] LogCumBt { get; }
    /// <summary>log γ̄_s (last entry: −∞).</summary>
    public float[] LogCumCt { get; }
    /// <summary>log(1 − γ̄_s) (last entry: 0).</summary>
    public float[] Log1MinusCumCt { get; }

    // Upstream's log_1_min_a: log(1 − eᵃ + 1e−40).
    private static double LogOneMinusExp(double a) => Math.Log(1 - Math.Exp(a) + 1e-40);
}
