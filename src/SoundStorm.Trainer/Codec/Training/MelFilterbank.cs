namespace SoundStorm.Trainer.Codec.Training;

/// <summary>Triangular mel filters on the Slaney mel scale with area normalisation (librosa's defaults), as a row-major [bands, fft/2+1] matrix.</summary>
internal static class MelFilterbank
{
    /// <summary>The filter matrix for a one-sided spectrum of <paramref name="fftSize"/> points.</summary>
    public static float[] Build(int bands, int fftSize, int sampleRate, double minHz, double maxHz)
    {
        int bins = fftSize / 2 + 1;
        var edges = new double[bands + 2];
        double low = HzToMel(minHz), high = HzToMel(maxHz);
        for (int i = 0; i < edges.Length; i++) edges[i] = MelToHz(low + (high - low) * i / (bands + 1));
        var matrix = new float[bands * bins];
        for (int m = 0; m < bands; m++)
        {
            double left = edges[m], centre = edges[m + 1], right = edges[m + 2];
            double norm = 2.0 / (right - left); // equal area per filter
            for (int k = 0; k < bins; k++)
            {
                double hz = (double)k * sampleRate / fftSize;
                double rise = (hz - left) / (centre - left), fall = (right - hz) / (right - centre);
                double weight = Math.Max(0, Math.Min(rise, fall));
                matrix[m * bins + k] = (float)(weight * norm);
            }
        }
        return matrix;
    }

    // Slaney: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
    private const double LinearStep = 200.0 / 3, BreakHz = 1000, BreakMel = BreakHz / LinearStep;
    private static readonly double LogStep = Math.Log(6.4) / 27;

    /// <summary>Hertz to Slaney mels.</summary>
    public static double HzToMel(double hz) => hz < BreakHz ? hz / LinearStep : BreakMel + Math.Log(hz / BreakHz) / LogStep;

    /// <summary>Slaney mels to hertz.</summary>
    public static double MelToHz(double mel) => mel < BreakMel ? mel * LinearStep : BreakHz * Math.Exp(LogStep * (mel - BreakMel));
}
