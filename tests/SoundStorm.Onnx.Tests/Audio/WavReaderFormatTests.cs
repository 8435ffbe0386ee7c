using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>Every supported encoding, decoded from hand-made bytes and compared with the values encoded.</summary>
public sealed class WavReaderFormatTests
{
    // Integer test values per bit depth: extremes, zero, ±1 LSB and a few ordinary values.
    private static long[] IntValues(int bits)
    {
        long max = (1L << (bits - 1)) - 1, min = -(1L << (bits - 1));
        return [min, min + 1, -12345 % max, -1, 0, 1, 777 % max, max / 3, max - 1, max];
    }

    public static TheoryData<int, int> IntegerCases()
    {
        var data = new TheoryData<int, int>();
        foreach (int bits in new[] { 16, 24, 32 })
        {
            foreach (int channels in new[] { 1, 2, 3 })
            {
                data.Add(bits, channels);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IntegerCases))]
    public void SignedPcm_DecodesToValueOverTwoToBitsMinusOne(int bits, int channels)
    {
        long[] values = IntValues(bits);
        // Channel c of frame f holds values[(f + c) % n], so channels differ.
        int frames = values.Length;
        var data = new List<byte>();
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                data.AddRange(WavBytes.Int(values[(f + c) % frames], bits / 8));
            }
        }

        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, channels, 22050, bits), WavBytes.Chunk("data", [.. data]));
        AudioClip clip = WavReader.Read(new MemoryStream(file), "test.wav", out WavFormat format);

        Assert.Equal(channels, clip.ChannelCount);
        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal(frames, clip.FrameCount);
        Assert.Equal(bits == 16 ? WavSampleFormat.Pcm16 : bits == 24 ? WavSampleFormat.Pcm24 : WavSampleFormat.Pcm32, format.SampleFormat);
        double scale = Math.Pow(2, bits - 1);
        for (int c = 0; c < channels; c++)
        {
            float[] expected = [.. Enumerable.Range(0, frames).Select(f => (float)(values[(f + c) % frames] / scale))];
            Assert.Equal(expected, clip.GetChannel(c).ToArray());
        }
    }

    [Fact]
    public void UnsignedPcm8_IsCentredOn128()
    {
        byte[] raw = [0, 1, 64, 127, 128, 129, 200, 255];
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 8000, 8), WavBytes.Chunk("data", raw));

        AudioClip clip = WavReader.Read(new MemoryStream(file), "u8.wav", out WavFormat format);

        Assert.Equal(WavSampleFormat.Pcm8, format.SampleFormat);
        Assert.Equal(raw.Select(b => (float)((b - 128) / 128.0)).ToArray(), clip.GetChannel(0).ToArray());
        Assert.Equal(-1f, clip.GetChannel(0).Span[0]);
    }

    [Fact]
    public void Float32_PassesValuesThroughIncludingOverRange()
    {
        float[] values = [0f, 0.25f, -0.5f, 1f, -1f, 1.5f, -3.25f, 1e-20f, float.Epsilon];
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagFloat, 1, 44100, 32), WavBytes.Chunk("fact", WavBytes.U32((uint)values.Length)), WavBytes.Chunk("data", [.. values.SelectMany(WavBytes.F32)]));

        AudioClip clip = WavReader.Read(new MemoryStream(file), "f32.wav", out WavFormat format);

        Assert.Equal(WavSampleFormat.Float32, format.SampleFormat);
        Assert.Equal(values, clip.GetChannel(0).ToArray());
    }

    [Fact]
    public void Float64_RoundsEachValueToNearestFloat()
    {
        double[] values = [0.1, -0.7, 1.0 / 3, 0.999999999, -1];
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagFloat, 2, 48000, 64), WavBytes.Chunk("data", [.. values.Concat(values.Reverse()).SelectMany(WavBytes.F64)]));

        AudioClip clip = WavReader.Read(new MemoryStream(file), "f64.wav", out WavFormat format);

        Assert.Equal(WavSampleFormat.Float64, format.SampleFormat);
        // Interleaved: frame f = (values[2f], values[2f+1]) over the 10 doubles written.
        double[] all = [.. values, .. values.Reverse()];
        Assert.Equal(Enumerable.Range(0, 5).Select(f => (float)all[2 * f]).ToArray(), clip.GetChannel(0).ToArray());
        Assert.Equal(Enumerable.Range(0, 5).Select(f => (float)all[(2 * f) + 1]).ToArray(), clip.GetChannel(1).ToArray());
    }

    [Fact]
    public void Extensible_Pcm24WithTwentyValidBits_DecodesLikePlainPcm24()
    {
        long[] values = [-8388608, -4096 * 16, 0, 16, 8388607 - 15];
        byte[] file = WavBytes.Riff(WavBytes.FmtExtensible(WavBytes.TagPcm, 1, 96000, 24, validBits: 20), WavBytes.Chunk("data", [.. values.SelectMany(v => WavBytes.Int(v, 3))]));

        AudioClip clip = WavReader.Read(new MemoryStream(file), "ext24.wav", out WavFormat format);

        Assert.True(format.IsExtensible);
        Assert.Equal(WavSampleFormat.Pcm24, format.SampleFormat);
        Assert.Equal(96000, clip.SampleRate);
        Assert.Equal(values.Select(v => (float)(v / 8388608.0)).ToArray(), clip.GetChannel(0).ToArray());
    }

    [Fact]
    public void Extensible_FloatSubFormat_DecodesFloats()
    {
        float[] values = [0.5f, -0.125f, 0.75f, -1f, 0.0625f, 0f];
        byte[] file = WavBytes.Riff(WavBytes.FmtExtensible(WavBytes.TagFloat, 6, 48000, 32, validBits: 32), WavBytes.Chunk("data", [.. values.SelectMany(WavBytes.F32)]));

        AudioClip clip = WavReader.Read(new MemoryStream(file), "extf.wav", out WavFormat format);

        Assert.Equal(WavSampleFormat.Float32, format.SampleFormat);
        Assert.Equal(6, clip.ChannelCount);
        Assert.Equal(1, clip.FrameCount);
        Assert.Equal(values, Enumerable.Range(0, 6).Select(c => clip.GetChannel(c).Span[0]).ToArray());
    }

    [Fact]
    public void ToMono_AveragesChannelsPerFrame()
    {
        short[][] frames = [[32767, -32768, 100], [0, 0, 3], [-2000, 1000, 4000]];
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 3, 16000, 16), WavBytes.Chunk("data", [.. frames.SelectMany(f => f.SelectMany(s => WavBytes.Int(s, 2)))]));

        float[] mono = AudioClip.ReadWav(new MemoryStream(file), "3ch.wav").ToMono();

        double[] expected = [.. frames.Select(f => f.Average(s => s / 32768.0))];
        Assert.Equal(expected.Length, mono.Length);
        for (int i = 0; i < mono.Length; i++)
        {
            Assert.Equal(expected[i], mono[i], 1e-7);
        }
    }

    [Fact]
    public void LargeFile_SpansSeveralDecodeBlocks()
    {
        // 100 000 stereo 16-bit frames = 400 kB, more than one 64 KiB decode block; values follow a known pattern.
        const int frames = 100_000;
        var data = new byte[frames * 4];
        for (int f = 0; f < frames; f++)
        {
            WavBytes.Int((short)(f * 7), 2).CopyTo(data, f * 4);
            WavBytes.Int((short)(-f * 13), 2).CopyTo(data, (f * 4) + 2);
        }

        AudioClip clip = AudioClip.ReadWav(new MemoryStream(WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 2, 16000, 16), WavBytes.Chunk("data", data))), "big.wav");

        Assert.Equal(frames, clip.FrameCount);
        for (int f = 0; f < frames; f += 997)
        {
            Assert.Equal((short)(f * 7) / 32768f, clip.GetChannel(0).Span[f]);
            Assert.Equal((short)(-f * 13) / 32768f, clip.GetChannel(1).Span[f]);
        }
    }

    [Fact]
    public void A_duration_limit_is_judged_from_the_header()
    {
        // 240 frames of 8-bit mono at 1 Hz (four minutes) in a 284-byte file.
        byte[] bytes = WavBytes.Riff(WavBytes.Fmt(1, 1, 1, 8), WavBytes.Chunk("data", Enumerable.Repeat((byte)128, 240).ToArray()));
        Assert.Equal(284, bytes.Length);

        var e = Assert.Throws<AudioFormatException>(() => AudioClip.ReadWav(new MemoryStream(bytes), "tiny.wav", maxDuration: TimeSpan.FromMinutes(2)));
        Assert.Equal("tiny.wav: invalid WAV field 'data chunk size': expected at most 120 s of audio, found 240.0 s (240 frames at 1 Hz).", e.Message);
        Assert.Equal(240, AudioClip.ReadWav(new MemoryStream(bytes), "tiny.wav", maxDuration: TimeSpan.FromMinutes(4)).FrameCount);
    }
}
