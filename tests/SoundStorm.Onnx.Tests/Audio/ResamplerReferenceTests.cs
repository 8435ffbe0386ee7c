using MathNet.Numerics;
using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>
/// The polyphase implementation against a float64 direct evaluation: every output sample computed as
/// Σ x[i] · h(t_n − i) with h the windowed sinc the resampler designs (Bessel I0 from MathNet, not ours).
/// </summary>
public sealed class ResamplerReferenceTests(ITestOutputHelper output)
{
    internal static double[] DirectSinc(ReadOnlySpan<float> x, Resampler r)
    {
        int outLength = (int)Math.Ceiling((double)x.Length * r.OutputRate / r.InputRate);
        double fc2 = 2 * r.CutoffCyclesPerInputSample, w = r.HalfWidth, i0Beta = SpecialFunctions.BesselI0(r.Beta);
        var y = new double[outLength];
        for (int n = 0; n < outLength; n++)
        {
            double t = (double)n * r.InputRate / r.OutputRate;
            int from = Math.Max(0, (int)Math.Floor(t - w)), to = Math.Min(x.Length - 1, (int)Math.Ceiling(t + w));
            double sum = 0;
            for (int i = from; i <= to; i++)
            {
                double d = t - i, ratio = d / w;
                if (Math.Abs(ratio) > 1)
                {
                    continue;
                }

                double sinc = d == 0 ? 1 : Math.Sin(Math.PI * fc2 * d) / (Math.PI * fc2 * d);
                sum += x[i] * fc2 * sinc * SpecialFunctions.BesselI0(r.Beta * Math.Sqrt(1 - (ratio * ratio))) / i0Beta;
            }

            y[n] = sum;
        }

        return y;
    }

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(44100, 16000)]
    [InlineData(22050, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 16000 * 3)]
    [InlineData(44100, 16001)] // interpolated phases
    [InlineData(11025, 8000)]
    public void ShortRandomSignal_MatchesDirectFloat64Sinc(int inRate, int outRate)
    {
        var random = new Random(inRate ^ outRate);
        float[] x = [.. Enumerable.Range(0, 700).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var resampler = new Resampler(inRate, outRate);

        float[] y = resampler.Process(x);
        double[] reference = DirectSinc(x, resampler);

        Assert.Equal(reference.Length, y.Length);
        Assert.Equal(resampler.GetOutputLength(x.Length), y.Length);
        double worst = Enumerable.Range(0, y.Length).Max(n => Math.Abs(y[n] - reference[n]));
        output.WriteLine($"{inRate}->{outRate}: max |polyphase - reference| = {worst:E2}");
        Assert.True(worst < 2e-6, $"max |polyphase - reference| = {worst:E2}");
    }

    [Theory]
    [InlineData(48000, 16000, 0, 0)]
    [InlineData(48000, 16000, 1, 1)]
    [InlineData(48000, 16000, 3, 1)]
    [InlineData(48000, 16000, 4, 2)]
    [InlineData(8000, 16000, 5, 10)]
    [InlineData(44100, 16000, 441, 160)]
    [InlineData(44100, 16000, 442, 161)]
    public void OutputLength_IsCeilingOfScaledInputLength(int inRate, int outRate, int inLength, int expected)
    {
        Assert.Equal(expected, new Resampler(inRate, outRate).GetOutputLength(inLength));
    }

    [Fact]
    public void SameRate_ClipIsReturnedUnchanged()
    {
        var clip = new AudioClip([0.1f, 0.2f], 16000);
        Assert.Same(clip, clip.Resample(16000));
    }

    [Fact]
    public void ClipResample_ConvertsEveryChannel()
    {
        float[] left = SignalMath.Sine(440, 48000, 4800), right = SignalMath.Sine(1000, 48000, 4800, 0.25);
        AudioClip resampled = new AudioClip([left, right], 48000).Resample(16000);
        var r = new Resampler(48000, 16000);

        Assert.Equal(16000, resampled.SampleRate);
        Assert.Equal(r.Process(left), resampled.GetChannel(0).ToArray());
        Assert.Equal(r.Process(right), resampled.GetChannel(1).ToArray());
    }

    [Fact]
    public void ToMonoAtARate_ConvertsTheDownmix()
    {
        var clip = new AudioClip([SignalMath.Sine(440, 48000, 4800), SignalMath.Sine(1000, 48000, 4800, 0.25)], 48000);

        Assert.Equal(new Resampler(48000, 16000).Process(clip.ToMono()), clip.ToMono(16000));
        Assert.Equal(clip.ToMono(), clip.ToMono(48000));
    }

    [Fact]
    public void Designs_AreReusedForARatePair()
    {
        Assert.Same(ResamplerCache.For(44100, 16000), ResamplerCache.For(44100, 16000));
    }

    [Fact]
    public void WrongOutputBuffer_IsRejected()
    {
        var r = new Resampler(48000, 16000);
        Assert.Throws<ArgumentException>(() => r.Process(new float[30], new float[9]));
    }

    [Theory]
    [InlineData(0, 16000)]
    [InlineData(16000, 0)]
    [InlineData(16000, 2_000_000)]
    public void AbsurdRates_AreRejected(int inRate, int outRate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(inRate, outRate));
    }

    [Fact]
    public void AbsurdRate_IsRejectedByTheClip()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioClip([0f], 16000).Resample(2_000_000));
    }

    [Fact]
    public void DesignFigures_AreAsDocumented()
    {
        var r = new Resampler(48000, 16000);
        Assert.Equal(7200, r.PassbandEdgeHz, 1e-9);
        Assert.Equal(8000, r.StopbandEdgeHz, 1e-9);
        Assert.Equal(90, Resampler.StopbandAttenuationDb);
    }
}
