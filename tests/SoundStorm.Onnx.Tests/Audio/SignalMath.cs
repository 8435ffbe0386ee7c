namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>Test signals and float64 measurements on them.</summary>
internal static class SignalMath
{
    public static float[] Sine(double frequencyHz, double rate, int length, double amplitude = 0.5, double phase = 0.3) =>
        [.. Enumerable.Range(0, length).Select(n => (float)(amplitude * Math.Sin((2 * Math.PI * frequencyHz * n / rate) + phase)))];

    /// <summary>Linear chirp from 0 Hz to <paramref name="endHz"/> over the signal: f(t) = endHz · t / T.</summary>
    public static float[] Chirp(double endHz, double rate, int length, double amplitude = 0.5)
    {
        double duration = length / rate;
        return [.. Enumerable.Range(0, length).Select(n =>
        {
            double t = n / rate;
            return (float)(amplitude * Math.Sin(Math.PI * endHz / duration * t * t));
        })];
    }

    /// <summary>
    /// Amplitude of the sinusoid at <paramref name="frequencyHz"/> that best fits <paramref name="x"/> in the least-squares
    /// sense (cos and sin components solved jointly, so no whole number of periods is needed).
    /// </summary>
    public static double ToneAmplitude(ReadOnlySpan<float> x, double frequencyHz, double rate, int offset = 0)
    {
        (double a, double b) = FitTone(x, frequencyHz, rate, offset);
        return Math.Sqrt((a * a) + (b * b));
    }

    /// <summary><paramref name="x"/> minus its least-squares sinusoid at <paramref name="frequencyHz"/>.</summary>
    public static float[] RemoveTone(ReadOnlySpan<float> x, double frequencyHz, double rate, int offset = 0)
    {
        (double a, double b) = FitTone(x, frequencyHz, rate, offset);
        var rest = new float[x.Length];
        for (int n = 0; n < x.Length; n++)
        {
            double w = 2 * Math.PI * frequencyHz * (n + offset) / rate;
            rest[n] = (float)(x[n] - (a * Math.Cos(w)) - (b * Math.Sin(w)));
        }

        return rest;
    }

    /// <summary>Least-squares (cos, sin) coefficients of the tone at <paramref name="frequencyHz"/>.</summary>
    private static (double Cos, double Sin) FitTone(ReadOnlySpan<float> x, double frequencyHz, double rate, int offset)
    {
        double cc = 0, ss = 0, cs = 0, xc = 0, xs = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double w = 2 * Math.PI * frequencyHz * (n + offset) / rate;
            double c = Math.Cos(w), s = Math.Sin(w);
            cc += c * c;
            ss += s * s;
            cs += c * s;
            xc += x[n] * c;
            xs += x[n] * s;
        }

        double det = (cc * ss) - (cs * cs);
        return (((xc * ss) - (xs * cs)) / det, ((xs * cc) - (xc * cs)) / det);
    }

    public static double MeanSquare(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += (double)v * v;
        }

        return sum / x.Length;
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);
}
