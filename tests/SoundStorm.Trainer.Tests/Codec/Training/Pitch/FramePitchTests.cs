using SoundStorm.Trainer.Codec.Training.Pitch;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec.Training.Pitch;

/// <summary>The training-time F0 target: right pitch on harmonic tones (octave traps included), aligned to code frames, silence and noise unvoiced.</summary>
public sealed class FramePitchTests
{
    private const int Rate = 16000, Hop = 320;

    private static float[] Tone(int samples, Func<int, double> f0, double fundamental = 0.3, double second = 0.5, double third = 0.2)
    {
        var x = new float[samples];
        double phase = 0;
        for (int i = 0; i < samples; i++)
        {
            phase += 2 * Math.PI * f0(i) / Rate;
            x[i] = (float)(fundamental * Math.Sin(phase) + second * Math.Sin(2 * phase) + third * Math.Sin(3 * phase));
        }
        return x;
    }

    private static (float[] LogF0, float[] Voiced) Estimate(params float[][] waveforms)
    {
        using var scope = NewDisposeScope();
        var batch = stack(waveforms.Select(w => tensor(w)).ToArray());
        using var pitch = new FramePitch(Rate, Hop);
        var (logF0, voiced) = pitch.Estimate(batch);
        Assert.Equal(new long[] { waveforms.Length, waveforms[0].Length / Hop }, logF0.shape);
        return (logF0.data<float>().ToArray(), voiced.data<float>().ToArray());
    }

    [Theory]
    [InlineData(72.0)]
    [InlineData(110.0)]
    [InlineData(183.0)]
    [InlineData(262.0)]
    [InlineData(390.0)]
    public void Harmonic_tones_read_their_fundamental_even_when_the_second_harmonic_is_louder(double f0)
    {
        int frames = 20;
        var (logF0, voiced) = Estimate(Tone(frames * Hop, _ => f0));
        // The first and last frames see the zero padding; the others must all be voiced and right within two lags
        // (integer lags; at 72 Hz the window holds only 2.4 periods).
        for (int t = 1; t < frames - 1; t++)
        {
            Assert.Equal(1f, voiced[t]);
            double lag = Rate / f0, tolerance = Math.Log((lag + 2) / lag);
            Assert.True(Math.Abs(logF0[t] - Math.Log(f0)) <= tolerance, $"frame {t}: {Math.Exp(logF0[t]):F1} Hz for a {f0} Hz tone");
        }
    }

    [Fact]
    public void Frames_are_aligned_with_code_frames()
    {
        // 120 Hz for the first 10 frames' samples, 240 Hz after: frame t covers samples [t·hop, (t+1)·hop).
        int frames = 20, step = 10 * Hop;
        var (logF0, _) = Estimate(Tone(frames * Hop, i => i < step ? 120 : 240));
        for (int t = 1; t <= 7; t++) Assert.InRange(Math.Exp(logF0[t]), 118, 122);
        for (int t = 12; t < frames - 1; t++) Assert.InRange(Math.Exp(logF0[t]), 236, 244);
    }

    [Fact]
    public void Silence_and_white_noise_are_unvoiced()
    {
        var random = new Random(4);
        var noise = Enumerable.Range(0, 20 * Hop).Select(_ => (float)(0.3 * (random.NextDouble() - 0.5))).ToArray();
        var (logF0, voiced) = Estimate(new float[20 * Hop], noise);
        Assert.All(voiced.Take(20), v => Assert.Equal(0f, v));
        Assert.All(logF0.Take(20), v => Assert.Equal(0f, v));
        Assert.True(voiced.Skip(20).Sum() <= 2, $"{voiced.Skip(20).Sum()} of 20 white-noise frames read as voiced");
    }

    [Fact]
    public void Matches_a_direct_float64_autocorrelation_on_a_mixed_signal()
    {
        var random = new Random(9);
        var x = Tone(16 * Hop, i => 140 + 30 * Math.Sin(i / 2000.0), 0.4, 0.3, 0.1).Select(v => v + (float)(0.05 * (random.NextDouble() - 0.5))).ToArray();
        var (logF0, voiced) = Estimate(x);
        using var pitch = new FramePitch(Rate, Hop);
        int window = pitch.Window, pad = (window - Hop) / 2;
        int minLag = (int)Math.Floor(Rate / FramePitch.MaximumF0), maxLag = (int)Math.Ceiling(Rate / FramePitch.MinimumF0);
        for (int t = 0; t < 16; t++)
        {
            var frame = new double[window];
            for (int i = 0; i < window; i++) { int n = t * Hop - pad + i; frame[i] = n >= 0 && n < x.Length ? x[n] : 0; }
            double mean = frame.Average(), rms = Math.Sqrt(frame.Select(v => v * v).Average());
            var centred = frame.Select(v => v - mean).ToArray();
            double R(int lag) => Enumerable.Range(0, window - lag).Sum(i => centred[i] * centred[i + lag]) / (window - lag) * window;
            double r0 = R(0);
            var r = Enumerable.Range(0, maxLag + 2).Select(l => R(l) / r0).ToArray();
            double best = Enumerable.Range(minLag, maxLag - minLag + 1).Max(l => r[l]);
            int chosen = Enumerable.Range(minLag, maxLag - minLag + 1)
                .First(l => r[l] >= r[l - 1] && r[l] >= r[l + 1] && r[l] >= best * FramePitch.OctaveTolerance);
            bool isVoiced = best >= FramePitch.VoicingThreshold && rms >= FramePitch.SilenceRms;
            Assert.Equal(isVoiced ? 1f : 0f, voiced[t]);
            if (isVoiced) Assert.Equal(Math.Log((double)Rate / chosen), logF0[t], 4);
        }
        Assert.True(voiced.Skip(1).Take(14).All(v => v == 1f), "the interior of a clear 110–170 Hz tone should be voiced");
    }
}
