using SoundStorm.Trainer.Semantic.Pretraining;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Semantic;

/// <summary>The TorchSharp MFCC against a float64 C# computation written from the definitions (DFT, HTK mel, DCT-II).</summary>
public sealed class MfccTests
{
    private static double[,] Reference(float[] wave)
    {
        const int n = 400, hop = 320, bins = 201, mels = 40, ceps = 13;
        int frames = (wave.Length - n) / hop + 1;
        static double Mel(double f) => 2595 * Math.Log10(1 + f / 700);
        static double Hz(double m) => 700 * (Math.Pow(10, m / 2595) - 1);
        var edges = new double[mels + 2];
        for (int i = 0; i < edges.Length; i++) edges[i] = Hz(Mel(20) + (Mel(8000) - Mel(20)) * i / (mels + 1));
        var cep = new double[frames, ceps];
        for (int t = 0; t < frames; t++)
        {
            var power = new double[bins];
            for (int k = 0; k < bins; k++)
            {
                double re = 0, im = 0;
                for (int j = 0; j < n; j++)
                {
                    double x = wave[t * hop + j] * (0.54 - 0.46 * Math.Cos(2 * Math.PI * j / (n - 1)));
                    re += x * Math.Cos(2 * Math.PI * k * j / n);
                    im -= x * Math.Sin(2 * Math.PI * k * j / n);
                }
                power[k] = re * re + im * im;
            }
            var logMel = new double[mels];
            for (int m = 0; m < mels; m++)
            {
                double sum = 0;
                for (int k = 0; k < bins; k++)
                {
                    double f = k * 16000.0 / n;
                    double w = Math.Max(0, Math.Min((f - edges[m]) / (edges[m + 1] - edges[m]), (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1])));
                    sum += w * power[k];
                }
                logMel[m] = Math.Log(Math.Max(sum, 1e-10));
            }
            for (int c = 0; c < ceps; c++)
            {
                double sum = 0;
                for (int m = 0; m < mels; m++) sum += logMel[m] * Math.Cos(Math.PI * c * (m + 0.5) / mels);
                cep[t, c] = sum * Math.Sqrt((c == 0 ? 1.0 : 2.0) / mels);
            }
        }
        for (int c = 0; c < ceps; c++)
        {
            double mean = 0;
            for (int t = 0; t < frames; t++) mean += cep[t, c] / frames;
            for (int t = 0; t < frames; t++) cep[t, c] -= mean;
        }
        var delta = Delta(cep, frames, ceps);
        var delta2 = Delta(delta, frames, ceps);
        var result = new double[frames, 3 * ceps];
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < ceps; c++) (result[t, c], result[t, ceps + c], result[t, 2 * ceps + c]) = (cep[t, c], delta[t, c], delta2[t, c]);
        return result;
    }

    private static double[,] Delta(double[,] x, int frames, int dims)
    {
        var d = new double[frames, dims];
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < dims; c++)
            {
                double sum = 0;
                for (int k = 1; k <= 2; k++) sum += k * (x[Math.Min(frames - 1, t + k), c] - x[Math.Max(0, t - k), c]);
                d[t, c] = sum / 10;
            }
        return d;
    }

    [Fact]
    public void Matches_the_float64_definition()
    {
        var random = new Random(4);
        var wave = new float[400 + 320 * 11 + 123]; // 12 frames, a partial hop left over
        for (int i = 0; i < wave.Length; i++)
            wave[i] = (float)(0.4 * Math.Sin(2 * Math.PI * (300 + i * 0.2) * i / 16000) + 0.05 * (random.NextDouble() - 0.5));
        using var features = Mfcc.Compute(tensor(wave));
        var expected = Reference(wave);
        Assert.Equal(new long[] { 12, 39 }, features.shape);
        Assert.Equal(12, Mfcc.Frames(wave.Length));
        float[] actual = features.data<float>().ToArray();
        double maxDiff = 0, scale = 0;
        for (int t = 0; t < 12; t++)
            for (int c = 0; c < 39; c++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(actual[t * 39 + c] - expected[t, c]));
                scale = Math.Max(scale, Math.Abs(expected[t, c]));
            }
        Assert.True(maxDiff / scale < 1e-5, $"relative error {maxDiff / scale:E2}");
    }

    [Fact]
    public void Shorter_than_one_window_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Mfcc.Compute(zeros(399)));
        Assert.Contains("400", e.Message);
    }
}
