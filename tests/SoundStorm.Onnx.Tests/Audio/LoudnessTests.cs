using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx.Tests.Audio;

public sealed class LoudnessTests
{
    private static float[] Noise(int length, double amplitude, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)(((random.NextDouble() * 2) - 1) * amplitude))];
    }

    [Fact]
    public void FullScaleSine_MeasuresMinus3Point01DbRmsAndZeroDbPeak()
    {
        // 1 kHz at 48 kHz: 48 samples per period, 100 whole periods, phase chosen so a sample hits the crest.
        float[] sine = SignalMath.Sine(1000, 48000, 4800, amplitude: 1, phase: Math.PI / 2);
        Assert.Equal(10 * Math.Log10(0.5), Loudness.RmsDbfs(sine), 1e-4);
        Assert.Equal(0, Loudness.PeakDbfs(sine), 1e-6);
    }

    [Fact]
    public void Silence_MeasuresMinusInfinityAndIsLeftUnchanged()
    {
        float[] zeros = new float[1000];
        float[] whisper = Noise(1000, 5e-7, 1);
        float[] whisperCopy = (float[])whisper.Clone();

        Assert.Equal(double.NegativeInfinity, Loudness.PeakDbfs(zeros));
        Assert.Equal(double.NegativeInfinity, Loudness.RmsDbfs([]));
        Assert.Equal(1f, Loudness.NormalizePeak(zeros, -1));
        Assert.Equal(1f, Loudness.NormalizeRms(zeros, -20));
        Assert.Equal(1f, Loudness.NormalizeRms(whisper, -20));
        Assert.All(zeros, z => Assert.Equal(0f, z));
        Assert.Equal(whisperCopy, whisper);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-3.0)]
    [InlineData(-20.0)]
    public void NormalizePeak_PutsPeakAtTargetAndKeepsShape(double target)
    {
        float[] x = Noise(5000, 0.1, 2);
        float[] before = (float[])x.Clone();

        float gain = Loudness.NormalizePeak(x, target);

        Assert.Equal(target, Loudness.PeakDbfs(x), 1e-5);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(before[i] * gain, x[i], 1e-7);
        }
    }

    [Fact]
    public void NormalizeRms_PutsRmsAtTarget()
    {
        float[] x = Noise(8000, 0.02, 3);
        Loudness.NormalizeRms(x, -20);
        Assert.Equal(-20, Loudness.RmsDbfs(x), 1e-4);
        Assert.True(Loudness.PeakDbfs(x) <= 0);
    }

    [Fact]
    public void NormalizeRms_LimitsGainAtPeakCeilingInsteadOfClipping()
    {
        // Crest factor ~ 40 dB: a -10 dBFS RMS target would need peaks far above full scale.
        float[] x = Noise(10000, 0.001, 4);
        x[5000] = 0.2f;

        float gain = Loudness.NormalizeRms(x, -10, peakCeilingDbfs: -1);

        Assert.Equal(-1, Loudness.PeakDbfs(x), 1e-5);
        Assert.Equal(Math.Pow(10, -1 / 20.0) / 0.2, gain, 1e-5);
        Assert.True(Loudness.RmsDbfs(x) < -10);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(30.0)]
    public void AbsurdTarget_IsRejected(double target)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Loudness.NormalizePeak(new float[] { 0.5f }, target));
        Assert.Throws<ArgumentOutOfRangeException>(() => Loudness.NormalizeRms(new float[] { 0.5f }, target));
    }

    [Fact]
    public void NaNSample_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => Loudness.NormalizePeak(new float[] { 0.5f, float.NaN }, -1));
    }
}
