using NWaves.Filters.Fda;
using NWaves.Utils;

namespace SoundStorm.Trainer.Codec.Training;

/// <summary>
/// Triangular mel filters on the Slaney mel scale with area normalisation (librosa's defaults), as a row-major
/// [bands, fft/2+1] matrix: NWaves' <see cref="FilterBanks.MelBankSlaney"/>, which equals the hand-written bank it
/// replaced to 1.4e-7 of the largest weight (80 bands at 1024/16 kHz, 1411/22.05 kHz and 2048/44.1 kHz; float rounding).
/// </summary>
internal static class MelFilterbank
{
    /// <summary>The filter matrix for a one-sided spectrum of <paramref name="fftSize"/> points.</summary>
    public static float[] Build(int bands, int fftSize, int sampleRate, double minHz, double maxHz)
    {
        int bins = fftSize / 2 + 1;
        float[][] rows = FilterBanks.MelBankSlaney(bands, fftSize, sampleRate, minHz, maxHz, normalizeGain: true);
        var matrix = new float[bands * bins];
        for (int m = 0; m < bands; m++) rows[m].AsSpan(0, bins).CopyTo(matrix.AsSpan(m * bins, bins));
        return matrix;
    }

    /// <summary>Hertz to Slaney mels (linear below 1 kHz, logarithmic above).</summary>
    public static double HzToMel(double hz) => Scale.HerzToMelSlaney(hz);

    /// <summary>Slaney mels to hertz.</summary>
    public static double MelToHz(double mel) => Scale.MelToHerzSlaney(mel);
}
