using System.Numerics.Tensors;

namespace SoundStorm.Onnx.Audio;

/// <summary>
/// Level measurement and normalization in dBFS, where 0 dBFS is a sample value of ±1.
/// </summary>
/// <remarks>
/// "Loudness" here is plain RMS level: 20·log10(RMS), unweighted, over the whole signal, so a full-scale sine
/// measures −3.01 dBFS. It is <b>not</b> ITU-R BS.1770 / EBU R128 loudness (no K-weighting, no gating) and
/// does not model perception; it is a simple, predictable level for making clips comparable.
/// Silence is safe: signals whose peak is below <see cref="SilenceThreshold"/> are left unchanged
/// (gain 1) instead of being blown up into noise.
/// </remarks>
internal static class Loudness
{
    /// <summary>Peak level (linear, ≈ −120 dBFS) below which a signal counts as silence and is not normalized.</summary>
    public const float SilenceThreshold = 1e-6f;

    /// <summary>Largest absolute sample in dBFS; negative infinity for an empty or all-zero signal.</summary>
    /// <param name="samples">The signal.</param>
    public static double PeakDbfs(ReadOnlySpan<float> samples) => ToDb(Peak(samples));

    /// <summary>Root-mean-square level in dBFS (unweighted, not BS.1770); negative infinity for an empty or all-zero signal.</summary>
    /// <param name="samples">The signal.</param>
    public static double RmsDbfs(ReadOnlySpan<float> samples) => ToDb(Rms(samples));

    /// <summary>Scales the signal in place so its peak lands at <paramref name="targetDbfs"/>.</summary>
    /// <param name="samples">The signal, changed in place.</param>
    /// <param name="targetDbfs">Wanted peak level, e.g. −1 dBFS; at most +20 dBFS.</param>
    /// <returns>The linear gain applied (1 for silence).</returns>
    public static float NormalizePeak(Span<float> samples, double targetDbfs)
    {
        float gain = PeakGain(Peak(samples), targetDbfs);
        if (gain != 1f) TensorPrimitives.Multiply(samples, gain, samples);
        return gain;
    }

    /// <summary>
    /// The gain <see cref="NormalizePeak"/> applies to a signal whose largest absolute sample is <paramref name="peak"/>
    /// (1 for silence): for signals normalised piece by piece, whose peak is known only at the end.
    /// </summary>
    public static float PeakGain(float peak, double targetDbfs)
    {
        CheckTarget(targetDbfs, nameof(targetDbfs));
        return peak < SilenceThreshold ? 1f : (float)(FromDb(targetDbfs) / peak);
    }

    /// <summary>Largest absolute sample (linear); 0 for an empty signal.</summary>
    public static float Peak(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty)
        {
            return 0f;
        }

        float peak = Math.Abs(TensorPrimitives.MaxMagnitude(samples));
        return float.IsFinite(peak) ? peak : throw new ArgumentException($"The signal contains a non-finite sample ({peak}).", nameof(samples));
    }

    /// <summary>
    /// Scales the signal in place so its RMS level lands at <paramref name="targetDbfs"/>, but never so far that
    /// its peak would exceed <paramref name="peakCeilingDbfs"/> (the gain is reduced instead; nothing is clipped).
    /// </summary>
    /// <param name="samples">The signal, changed in place.</param>
    /// <param name="targetDbfs">Wanted RMS level, e.g. −20 dBFS; at most +20 dBFS.</param>
    /// <param name="peakCeilingDbfs">Highest peak level allowed after scaling; 0 dBFS keeps samples within ±1.</param>
    /// <returns>The linear gain applied (1 for silence).</returns>
    public static float NormalizeRms(Span<float> samples, double targetDbfs, double peakCeilingDbfs = 0)
    {
        CheckTarget(targetDbfs, nameof(targetDbfs));
        CheckTarget(peakCeilingDbfs, nameof(peakCeilingDbfs));
        float peak = Peak(samples);
        if (peak < SilenceThreshold)
        {
            return 1f;
        }

        double gain = Math.Min(FromDb(targetDbfs) / Rms(samples), FromDb(peakCeilingDbfs) / peak);
        TensorPrimitives.Multiply(samples, (float)gain, samples);
        return (float)gain;
    }

    private static double Rms(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        // Sum squares in double: float accumulation loses precision over minutes of audio.
        double sum = 0;
        foreach (float s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static double ToDb(double linear) => linear > 0 ? 20 * Math.Log10(linear) : double.NegativeInfinity;

    private static double FromDb(double db) => Math.Pow(10, db / 20);

    private static void CheckTarget(double db, string name)
    {
        if (!double.IsFinite(db) || db > 20)
        {
            throw new ArgumentOutOfRangeException(name, db, "Expected a finite level of at most +20 dBFS.");
        }
    }
}
