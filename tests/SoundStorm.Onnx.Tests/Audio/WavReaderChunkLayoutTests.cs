using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Tests.Hardening;

namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>Odd but legal (or common) chunk arrangements, and how sizes that lie are handled.</summary>
public sealed class WavReaderChunkLayoutTests
{
    private static readonly short[] Samples = [1000, -2000, 3000, -4000, 5000];
    private static float[] Expected => [.. Samples.Select(s => s / 32768f)];

    private static float[] ReadMono(byte[] file, out WavFormat format) =>
        WavReader.Read(new MemoryStream(file), "layout.wav", out format).GetChannel(0).ToArray();

    [Fact]
    public void ChunksBeforeBetweenAndAfter_AreSkipped()
    {
        byte[] list = WavBytes.Chunk("LIST", [.. "INFOISFT"u8.ToArray(), .. WavBytes.U32(5), .. "abcd\0"u8.ToArray()]);
        byte[] file = WavBytes.Riff(
            list,
            WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 16),
            WavBytes.Chunk("fact", WavBytes.U32(5)),
            WavBytes.Chunk("junk", new byte[7]), // odd size: one pad byte follows
            WavBytes.Pcm16Data(Samples),
            WavBytes.Chunk("cue ", new byte[28]),
            list);

        Assert.Equal(Expected, ReadMono(file, out WavFormat format));
        Assert.False(format.IsTruncated);
    }

    [Fact]
    public void DataBeforeFmt_IsFound()
    {
        byte[] file = WavBytes.Riff(WavBytes.Pcm16Data(Samples), WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 16));
        Assert.Equal(Expected, ReadMono(file, out _));
    }

    [Fact]
    public void OddSizedDataChunk_SkipsPadByteToReachFollowingChunk()
    {
        // 8-bit mono with 5 samples: data size 5, then a pad byte, then a LIST chunk.
        byte[] raw = [10, 128, 250, 0, 255];
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 8000, 8), WavBytes.Chunk("data", raw), WavBytes.Chunk("LIST", "INFO"u8.ToArray()));

        Assert.Equal(raw.Select(b => (b - 128) / 128f).ToArray(), ReadMono(file, out WavFormat format));
        Assert.Equal(5, format.FrameCount);
    }

    [Fact]
    public void MissingFinalPadByte_IsTolerated()
    {
        byte[] raw = [1, 2, 3];
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 8000, 8), WavBytes.Chunk("data", raw, padOdd: false));
        Assert.Equal(3, ReadMono(file, out _).Length);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(36u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(12345678u)]
    public void WrongRiffSize_IsIgnored(uint riffSize)
    {
        byte[] file = WavBytes.Riff(riffSize, WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 16), WavBytes.Pcm16Data(Samples));
        Assert.Equal(Expected, ReadMono(file, out _));
    }

    [Fact]
    public void StreamingHeader_DataRunsToEndOfFile()
    {
        byte[] data = [.. Samples.SelectMany(s => WavBytes.Int(s, 2))];
        byte[] file = WavBytes.Riff(0xFFFFFFFF, WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 16), WavBytes.Chunk("data", data, sizeOverride: 0xFFFFFFFF));

        Assert.Equal(Expected, ReadMono(file, out WavFormat format));
        Assert.Null(format.DeclaredFrameCount);
        Assert.False(format.IsTruncated);
    }

    [Fact]
    public void LyingDataSize_IsClampedToWholeFramesPresentAndReported()
    {
        // Stereo 16-bit: 2.5 frames present (10 bytes), header claims 1000 frames.
        byte[] data = [.. new short[] { 100, -100, 200, -200, 300 }.SelectMany(s => WavBytes.Int(s, 2))];
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 2, 16000, 16), WavBytes.Chunk("data", data, sizeOverride: 4000));

        AudioClip clip = WavReader.Read(new MemoryStream(file), "cut.wav", out WavFormat format);

        Assert.True(format.IsTruncated);
        Assert.Equal(1000, format.DeclaredFrameCount);
        Assert.Equal(2, format.FrameCount);
        Assert.Equal(new[] { 100 / 32768f, 200 / 32768f }, clip.GetChannel(0).ToArray());
        Assert.Equal(new[] { -100 / 32768f, -200 / 32768f }, clip.GetChannel(1).ToArray());
    }

    [Fact]
    public void LyingDataSize_IsDescribedAndRefusedWhenCompleteDataIsRequired()
    {
        // Mono 16-bit at 16 kHz: the header announces 52640 frames (3.29 s), the file holds 24960 (1.56 s).
        byte[] file = WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 16), WavBytes.Chunk("data", new byte[24960 * 2], sizeOverride: 52640 * 2));

        Assert.Equal(24960, AudioClip.ReadWav(new MemoryStream(file), "cut.wav", out string? truncation).FrameCount);
        Assert.Equal("the data chunk declares 52640 frames (3.29 s) but the file holds 24960 (1.56 s)", truncation);

        var e = Assert.Throws<AudioFormatException>(() => AudioClip.ReadWav(new MemoryStream(file), "cut.wav", requireComplete: true));
        Assert.Equal("cut.wav: invalid WAV field 'data chunk size': expected the whole data chunk, found the data chunk declares 52640 frames (3.29 s) "
            + "but the file holds 24960 (1.56 s): the file is truncated.", e.Message);
    }

    [Fact]
    public void CompleteFile_HasNoTruncationAndPassesTheStrictRead()
    {
        byte[] file = WavBytes.Pcm16Mono(16000, Samples);
        Assert.Equal(Expected, AudioClip.ReadWav(new MemoryStream(file), "whole.wav", requireComplete: true).GetChannel(0).ToArray());
        AudioClip.ReadWav(new MemoryStream(file), "whole.wav", out string? truncation);
        Assert.Null(truncation);
    }

    [Fact]
    public void NonSeekableStream_IsBufferedAndRead()
    {
        byte[] file = WavBytes.Pcm16Mono(16000, Samples);
        using var forwardOnly = new ForwardOnlyStream(file);
        Assert.Equal(Expected, AudioClip.ReadWav(forwardOnly, "pipe").GetChannel(0).ToArray());
    }

    [Fact]
    public void StreamNotAtStart_IsReadFromItsPosition()
    {
        byte[] file = [.. new byte[] { 9, 9, 9 }, .. WavBytes.Pcm16Mono(16000, Samples)];
        using var stream = new MemoryStream(file) { Position = 3 };
        Assert.Equal(Expected, AudioClip.ReadWav(stream, "offset").GetChannel(0).ToArray());
    }
}
