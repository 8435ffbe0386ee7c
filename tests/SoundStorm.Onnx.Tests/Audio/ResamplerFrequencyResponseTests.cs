using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>What the resampler does to tones and sweeps: pass band kept, aliases and images removed.</summary>
public sealed class ResamplerFrequencyResponseTests(ITestOutputHelper output)
{
    /// <summary>Output samples far enough from both ends that the kernel never reaches past the input.</summary>
    private static ReadOnlySpan<float> Steady(float[] y, Resampler r, out int offset)
    {
        offset = (int)Math.Ceiling((r.TapsPerPhase + 2) * (double)r.OutputRate / r.InputRate);
        return y.AsSpan(offset, y.Length - (2 * offset));
    }

    public static TheoryData<int, int, double> PassbandTones() => new()
    {
        { 48000, 16000, 100 }, { 48000, 16000, 1000 }, { 48000, 16000, 3100 }, { 48000, 16000, 7200 },
        { 44100, 16000, 220 }, { 44100, 16000, 5000 }, { 44100, 16000, 7100 },
        { 22050, 16000, 440 }, { 22050, 16000, 7000 },
        { 8000, 16000, 300 }, { 8000, 16000, 3600 },
        { 16000, 44100, 1000 }, { 16000, 44100, 7200 },
        { 44100, 16001, 6000 }, // reduced numerator 16001: the interpolated-phase table
    };

    [Theory]
    [MemberData(nameof(PassbandTones))]
    public void PassbandTone_KeepsAmplitudeWithinPointOneDb(int inRate, int outRate, double hz)
    {
        var resampler = new Resampler(inRate, outRate);
        float[] y = resampler.Process(SignalMath.Sine(hz, inRate, inRate / 4));

        ReadOnlySpan<float> steady = Steady(y, resampler, out int offset);
        double gainDb = SignalMath.Db(SignalMath.ToneAmplitude(steady, hz, outRate, offset) / 0.5);

        output.WriteLine($"{inRate}->{outRate} {hz} Hz: gain {gainDb:F5} dB, {resampler.TapsPerPhase} taps");
        Assert.InRange(gainDb, -0.1, 0.1);
    }

    public static TheoryData<int, int, double> StopbandTones() => new()
    {
        { 48000, 16000, 8000 }, { 48000, 16000, 8700 }, { 48000, 16000, 12000 }, { 48000, 16000, 15900 }, { 48000, 16000, 23900 },
        { 44100, 16000, 8000 }, { 44100, 16000, 14000 }, { 44100, 16000, 22000 },
        { 22050, 16000, 9000 }, { 22050, 16000, 11000 },
        { 44100, 16001, 12000 },
    };

    [Theory]
    [MemberData(nameof(StopbandTones))]
    public void ToneAboveOutputNyquist_IsSuppressedBy80Db(int inRate, int outRate, double hz)
    {
        var resampler = new Resampler(inRate, outRate);
        float[] y = resampler.Process(SignalMath.Sine(hz, inRate, inRate / 4));

        double levelDb = 10 * Math.Log10(SignalMath.MeanSquare(Steady(y, resampler, out _)) / (0.5 * 0.5 / 2));

        output.WriteLine($"{inRate}->{outRate} {hz} Hz: residual {levelDb:F1} dB");
        Assert.True(levelDb < -80, $"residual {levelDb:F1} dB");
    }

    [Theory]
    [InlineData(8000, 16000, 3000)]  // image at 16000 - 3000 - 8000 = 5000 Hz
    [InlineData(8000, 16000, 3600)]
    [InlineData(16000, 48000, 6000)] // images at 10 kHz, 22 kHz
    public void Upsampling_LeavesNoImages(int inRate, int outRate, double hz)
    {
        var resampler = new Resampler(inRate, outRate);
        float[] y = resampler.Process(SignalMath.Sine(hz, inRate, inRate / 4));
        ReadOnlySpan<float> steady = Steady(y, resampler, out int offset);

        // Remove the wanted tone by least squares; what remains is image + leakage.
        double kept = SignalMath.ToneAmplitude(steady, hz, outRate, offset);
        float[] rest = SignalMath.RemoveTone(steady, hz, outRate, offset);
        double residualDb = 10 * Math.Log10(SignalMath.MeanSquare(rest) / (kept * kept / 2));
        double firstImageHz = inRate - hz;
        double imageDb = SignalMath.Db(SignalMath.ToneAmplitude(rest, firstImageHz, outRate, offset) / kept);

        output.WriteLine($"{inRate}->{outRate} {hz} Hz: image at {firstImageHz} Hz {imageDb:F1} dB, residual {residualDb:F1} dB");
        Assert.True(imageDb < -80, $"image {imageDb:F1} dB");
        Assert.True(residualDb < -80, $"residual {residualDb:F1} dB");
    }

    [Fact]
    public void Sweep48kTo16k_ContentAbove8kHzLeavesLessThanMinus60Db()
    {
        const int rate = 48000, seconds = 2;
        float[] sweep = SignalMath.Chirp(24000, rate, rate * seconds); // f(t) = 12 kHz/s · t
        var resampler = new Resampler(rate, 16000);
        float[] y = resampler.Process(sweep);

        // Instantaneous frequency at output sample n is 12000 · n / 16000 Hz; the kernel spans about ±3.6 ms (±43 Hz).
        ReadOnlySpan<float> passband = Region(y, 100, resampler.PassbandEdgeHz - 100);
        ReadOnlySpan<float> stopband = Region(y, resampler.StopbandEdgeHz + 100, 23900);
        double passDb = 10 * Math.Log10(SignalMath.MeanSquare(passband) / 0.125);
        double aliasDb = 10 * Math.Log10(SignalMath.MeanSquare(stopband) / SignalMath.MeanSquare(passband));

        output.WriteLine($"sweep: pass-band level {passDb:F4} dB, aliased energy {aliasDb:F1} dB");
        Assert.InRange(passDb, -0.1, 0.1);
        Assert.True(aliasDb < -60, $"aliased energy {aliasDb:F1} dB");

        static ReadOnlySpan<float> Region(float[] y, double fromHz, double toHz)
        {
            int from = (int)(fromHz / 12000 * 16000), to = (int)(toHz / 12000 * 16000);
            return y.AsSpan(from, to - from);
        }
    }

    [Fact]
    public void ConstantSignal_KeepsUnityGain()
    {
        var resampler = new Resampler(44100, 16000);
        float[] y = resampler.Process(Enumerable.Repeat(0.75f, 44100).ToArray());
        foreach (float v in Steady(y, resampler, out _))
        {
            Assert.Equal(0.75, v, 1e-4);
        }
    }
}
