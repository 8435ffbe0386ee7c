using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SoundStorm.Export.NumPy;
using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx.Tests.Fuzz;

/// <summary>A clip to write: channel count, frame count, rate and a seed for the samples.</summary>
public sealed record WavCase(int Channels, int Frames, int SampleRate, int Seed);

/// <summary>An array to write: element type, shape (empty = a scalar) and a seed for the bytes.</summary>
public sealed record NpyCase(NpyElementType Type, int[] Shape, int Seed)
{
    public override string ToString() => $"{Type}[{string.Join(", ", Shape)}] seed {Seed}";
}

/// <summary>FsCheck generators for the round-trip properties.</summary>
public static class RoundTripArbitraries
{
    public static Arbitrary<WavCase> WavCases() => Arb.From(
        from channels in Gen.Choose(1, 8)
        from frames in Gen.Choose(1, 3000)
        from rate in Gen.Elements(8000, 11025, 16000, 22050, 24000, 44100, 48000, 96000, 192000, 1, 1_000_000)
        from seed in Gen.Choose(0, int.MaxValue)
        select new WavCase(channels, frames, rate, seed));

    public static Arbitrary<NpyCase> NpyCases() => Arb.From(
        from type in Gen.Elements(Enum.GetValues<NpyElementType>())
        from rank in Gen.Choose(0, 4)
        from shape in Gen.ArrayOf(Gen.Choose(0, 6), rank)
        from seed in Gen.Choose(0, int.MaxValue)
        select new NpyCase(type, shape, seed));
}

/// <summary>
/// Write → read is the identity for random valid content: WAV (16-bit PCM on the 16-bit grid, and any finite float32
/// sample), and .npy of every element type and rank (bit for bit, NaN payloads included).
/// </summary>
[Properties(Arbitrary = [typeof(RoundTripArbitraries)], MaxTest = 150)]
public sealed class RoundTripProperties
{
    [Property]
    public void Wav_pcm16_round_trips_exactly(WavCase c)
    {
        var rng = new Random(c.Seed);
        // Every value on the 16-bit grid, including both extremes.
        float[][] channels = Channels(c, () => rng.Next(-32768, 32768) / 32768f);
        AssertRoundTrip(c, channels, WavSampleFormat.Pcm16);
    }

    [Property]
    public void Wav_float32_round_trips_bit_for_bit(WavCase c)
    {
        var rng = new Random(c.Seed);
        // Any finite float: random bit patterns, re-drawn when they are NaN or infinite (the format rejects those).
        float[][] channels = Channels(c, () =>
        {
            float x;
            do x = BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31)); while (!float.IsFinite(x));
            return x;
        });
        AssertRoundTrip(c, channels, WavSampleFormat.Float32);
    }

    [Property]
    public void Npy_round_trips_every_element_type_and_rank(NpyCase c)
    {
        int count = c.Shape.Aggregate(1, (a, d) => a * d);
        Array data = Allocate(c.Type, count);
        Span<byte> bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), count * ElementSize(c.Type));
        new Random(c.Seed).NextBytes(bytes);
        if (c.Type == NpyElementType.Bool) foreach (ref byte b in bytes) b &= 1;
        var original = new NpyArray(data, c.Shape);

        using var stream = new MemoryStream();
        NpyFile.Write(stream, original);
        stream.Position = 0;
        var read = NpyFile.Read(stream);

        Assert.Equal(c.Type, read.ElementType);
        Assert.Equal(c.Shape, read.Shape);
        Assert.Equal(data.GetType(), read.Data.GetType());
        Assert.True(bytes.SequenceEqual(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(read.Data), count * ElementSize(c.Type))));
        Assert.Equal(stream.Length, stream.Position); // nothing left over: header padding and data length agree
    }

    private static float[][] Channels(WavCase c, Func<float> sample) =>
        [.. Enumerable.Range(0, c.Channels).Select(_ => Enumerable.Range(0, c.Frames).Select(_ => sample()).ToArray())];

    private static void AssertRoundTrip(WavCase c, float[][] channels, WavSampleFormat format)
    {
        using var stream = new MemoryStream();
        new AudioClip(channels, c.SampleRate).WriteWav(stream, format);
        stream.Position = 0;
        var clip = WavReader.Read(stream, "roundtrip.wav", out var found);

        Assert.Equal((format, c.Channels, c.SampleRate, c.Frames, false), (found.SampleFormat, found.ChannelCount, found.SampleRate, found.FrameCount, found.IsTruncated));
        Assert.Equal((c.Channels, c.Frames, c.SampleRate), (clip.ChannelCount, clip.FrameCount, clip.SampleRate));
        for (int ch = 0; ch < c.Channels; ch++)
        {
            // Compare bit patterns: -0f and 0f must survive as written.
            int[] expected = Array.ConvertAll(channels[ch], BitConverter.SingleToInt32Bits);
            int[] actual = Array.ConvertAll(clip.GetChannel(ch).ToArray(), BitConverter.SingleToInt32Bits);
            Assert.Equal(expected, actual);
        }
    }

    private static int ElementSize(NpyElementType type) => type switch
    {
        NpyElementType.Int8 or NpyElementType.UInt8 or NpyElementType.Bool => 1,
        NpyElementType.Float16 or NpyElementType.Int16 or NpyElementType.UInt16 => 2,
        NpyElementType.Float32 or NpyElementType.Int32 or NpyElementType.UInt32 => 4,
        _ => 8,
    };

    private static Array Allocate(NpyElementType type, int n) => type switch
    {
        NpyElementType.Float16 => new Half[n],
        NpyElementType.Float32 => new float[n],
        NpyElementType.Float64 => new double[n],
        NpyElementType.Int8 => new sbyte[n],
        NpyElementType.Int16 => new short[n],
        NpyElementType.Int32 => new int[n],
        NpyElementType.Int64 => new long[n],
        NpyElementType.UInt8 => new byte[n],
        NpyElementType.UInt16 => new ushort[n],
        NpyElementType.UInt32 => new uint[n],
        NpyElementType.UInt64 => new ulong[n],
        _ => new bool[n],
    };
}
