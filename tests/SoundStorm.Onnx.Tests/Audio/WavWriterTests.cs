using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx.Tests.Audio;

public sealed class WavWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("soundstorm-wavwriter-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static float[] RandomSignal(int length, int seed, float amplitude = 1.2f)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1) * amplitude)];
    }

    [Fact]
    public void Pcm16_RoundTrip_QuantizesWithRoundingAndClipping()
    {
        float[] left = RandomSignal(5000, 1);
        float[] right = [1f, -1f, 1.5f, -2f, 0.5f / 32768, -0.5f / 32768, 1.49f / 32768, 32766.5f / 32768, .. RandomSignal(4992, 2)];
        string path = Path.Combine(_folder, "pcm16.wav");

        new AudioClip([left, right], 24000).WriteWav(path);
        AudioClip back = WavReader.Read(path, out WavFormat format);

        Assert.Equal(WavSampleFormat.Pcm16, format.SampleFormat);
        Assert.Equal(24000, back.SampleRate);
        Assert.Equal(2, back.ChannelCount);
        Assert.Equal(left.Select(Quantize).ToArray(), back.GetChannel(0).ToArray());
        Assert.Equal(right.Select(Quantize).ToArray(), back.GetChannel(1).ToArray());
        // Hand-checked: full scale clips to 32767, ties go away from zero.
        Assert.Equal(new[] { 32767, -32768, 32767, -32768, 1, -1, 1, 32767 }, back.GetChannel(1).ToArray()[..8].Select(x => (int)(x * 32768)).ToArray());

        static float Quantize(float x) => (float)(Math.Clamp(Math.Round((double)x * 32768, MidpointRounding.AwayFromZero), -32768, 32767) / 32768);
    }

    [Fact]
    public void Float32_RoundTrip_IsExact()
    {
        float[][] channels = [RandomSignal(3000, 3, 3f), RandomSignal(3000, 4), RandomSignal(3000, 5, 0.001f)];
        string path = Path.Combine(_folder, "f32.wav");

        new AudioClip(channels, 44100).WriteWav(path, WavSampleFormat.Float32);
        AudioClip back = WavReader.Read(path, out WavFormat format);

        Assert.Equal(WavSampleFormat.Float32, format.SampleFormat);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(channels[c], back.GetChannel(c).ToArray());
        }
    }

    [Fact]
    public void Pcm16Mono_WritesCanonical44ByteHeader()
    {
        using var stream = new MemoryStream();
        new AudioClip([0.5f, -0.25f, 0f], 16000).WriteWav(stream);
        byte[] bytes = stream.ToArray();

        byte[] expected =
        [
            .. "RIFF"u8.ToArray(), .. WavBytes.U32(36 + 6), .. "WAVE"u8.ToArray(),
            .. "fmt "u8.ToArray(), .. WavBytes.U32(16), .. WavBytes.U16(1), .. WavBytes.U16(1), .. WavBytes.U32(16000), .. WavBytes.U32(32000), .. WavBytes.U16(2), .. WavBytes.U16(16),
            .. "data"u8.ToArray(), .. WavBytes.U32(6), .. WavBytes.Int(16384, 2), .. WavBytes.Int(-8192, 2), 0, 0,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void FailureMidWrite_LeavesExistingFileUntouchedAndNoTempFile()
    {
        string path = Path.Combine(_folder, "keep.wav");
        byte[] original = WavBytes.Pcm16Mono(16000, 1, 2, 3);
        File.WriteAllBytes(path, original);
        // The NaN sits past the first encode block, so the temp file already holds bytes when the writer fails.
        float[] samples = new float[20000];
        samples[^1] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => new AudioClip(samples, 16000).WriteWav(path));

        Assert.Contains("19999", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void ReplacesExistingFile()
    {
        string path = Path.Combine(_folder, "replace.wav");
        File.WriteAllBytes(path, new byte[100_000]);

        new AudioClip([0.25f], 8000).WriteWav(path);

        Assert.Equal([0.25f], AudioClip.ReadWav(path).GetChannel(0).ToArray());
        Assert.Equal(46, new FileInfo(path).Length);
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm8)]
    [InlineData(WavSampleFormat.Pcm24)]
    [InlineData(WavSampleFormat.Float64)]
    public void UnsupportedFormat_IsRejected(WavSampleFormat format)
    {
        string path = Path.Combine(_folder, "no.wav");
        Assert.Throws<ArgumentException>(() => new AudioClip([0f], 8000).WriteWav(path, format));
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
