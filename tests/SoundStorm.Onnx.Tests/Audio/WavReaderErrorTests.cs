using System.Text;

namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>Bad input must fail with <see cref="AudioFormatException"/> naming the field, what was expected and what was found.</summary>
public sealed class WavReaderErrorTests
{
    private static readonly byte[] Fmt16 = WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 16);
    private static readonly byte[] Data16 = WavBytes.Pcm16Data(1, 2, 3, 4);

    public static TheoryData<string, byte[], string, string> BadFiles() => new()
    {
        { "empty", [], "RIFF header", "only 0 bytes" },
        { "cut inside RIFF header", "RIFF\0\0"u8.ToArray(), "RIFF header", "only 6 bytes" },
        { "PNG", [0x89, .. "PNG\r\n\x1a\n"u8.ToArray(), 0, 0, 0, 13, .. "IHDR"u8.ToArray()], "RIFF magic", "'\\x89PNG'" },
        { "text", Encoding.ASCII.GetBytes("hello, this is not audio at all"), "RIFF magic", "'hell'" },
        { "big-endian RIFX", [.. "RIFX"u8.ToArray(), 0, 0, 0, 36, .. "WAVE"u8.ToArray()], "RIFF magic", "big-endian" },
        { "RF64", [.. "RF64"u8.ToArray(), 0xFF, 0xFF, 0xFF, 0xFF, .. "WAVE"u8.ToArray()], "RIFF magic", "RF64" },
        { "AVI", [.. "RIFF"u8.ToArray(), 4, 0, 0, 0, .. "AVI "u8.ToArray()], "RIFF form type", "'AVI '" },
        { "no fmt", WavBytes.Riff(WavBytes.Chunk("LIST", new byte[4]), Data16), "fmt chunk", "'LIST', 'data'" },
        { "no data", WavBytes.Riff(Fmt16, WavBytes.Chunk("LIST", new byte[4])), "data chunk", "'fmt ', 'LIST'" },
        { "no chunks", WavBytes.Riff(), "fmt chunk", "no chunks" },
        { "zero samples", WavBytes.Riff(Fmt16, WavBytes.Chunk("data", [])), "data chunk", "0 bytes" },
        { "less than a frame", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 2, 16000, 16), WavBytes.Chunk("data", [1, 2, 3])), "data chunk", "3 bytes" },
        { "0 Hz", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 0, 16), Data16), "fmt.SampleRate", "0 Hz" },
        { "2 MHz", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 2_000_000, 16), Data16), "fmt.SampleRate", "2000000 Hz" },
        { "0 channels", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 0, 16000, 16, blockAlign: 2), Data16), "fmt.Channels", "0" },
        { "300 channels", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 300, 16000, 16), Data16), "fmt.Channels", "300" },
        { "block align", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 2, 16000, 16, blockAlign: 2), Data16), "fmt.BlockAlign", "2" },
        { "12-bit PCM", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 12, blockAlign: 2), Data16), "fmt.BitsPerSample", "12" },
        { "16-bit float", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagFloat, 1, 16000, 16), Data16), "fmt.BitsPerSample", "16" },
        { "MS ADPCM", WavBytes.Riff(WavBytes.Fmt(2, 1, 16000, 4, blockAlign: 256), Data16), "fmt.FormatTag", "MS ADPCM" },
        { "mu-law", WavBytes.Riff(WavBytes.Fmt(7, 1, 8000, 8), Data16), "fmt.FormatTag", "mu-law" },
        { "extensible, unknown GUID", WavBytes.Riff(WavBytes.FmtExtensible(0, 1, 16000, 16, 16, guidOverride: new byte[16]), Data16), "fmt.SubFormat", "00000000-0000-0000-0000-000000000000" },
        { "extensible, valid bits > container", WavBytes.Riff(WavBytes.FmtExtensible(WavBytes.TagPcm, 1, 16000, 16, 20), Data16), "fmt.ValidBitsPerSample", "20" },
        { "extensible, short fmt", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagExtensible, 1, 16000, 16), Data16), "fmt chunk size", "16" },
        { "fmt too short", WavBytes.Riff(WavBytes.Chunk("fmt ", WavBytes.FmtBody(WavBytes.TagPcm, 1, 16000, 16)[..14]), Data16), "fmt chunk size", "14" },
        { "file ends inside fmt", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 16000, 16)[..20]), "fmt chunk size", "16" },
        { "chunk overruns file", WavBytes.Riff(WavBytes.Chunk("LIST", new byte[4], sizeOverride: 1000), Fmt16, Data16), "chunk 'LIST' size", "1000" },
        { "streamed data before fmt", WavBytes.Riff(WavBytes.Chunk("data", new byte[8], sizeOverride: 0xFFFFFFFF)), "fmt chunk", "none" },
        { "NaN sample", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagFloat, 1, 16000, 32), WavBytes.Chunk("data", [.. WavBytes.F32(0.5f), .. WavBytes.F32(float.NaN)])), "data[frame 1, channel 0]", "NaN" },
        { "infinite double", WavBytes.Riff(WavBytes.Fmt(WavBytes.TagFloat, 2, 16000, 64), WavBytes.Chunk("data", [.. WavBytes.F64(0), .. WavBytes.F64(double.PositiveInfinity)])), "data[frame 0, channel 1]", "Infinity" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadInput_ThrowsAudioFormatExceptionNamingField(string name, byte[] bytes, string field, string foundFragment)
    {
        var error = Assert.Throws<AudioFormatException>(() => AudioClip.ReadWav(new MemoryStream(bytes), name));

        Assert.Equal(name, error.SourceName);
        Assert.Equal(field, error.Field);
        Assert.Contains(foundFragment, error.Found, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Expected));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorFromFile_NamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"soundstorm-bad-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, WavBytes.Riff(WavBytes.Fmt(WavBytes.TagPcm, 1, 0, 16), Data16));
        try
        {
            var error = Assert.Throws<AudioFormatException>(() => AudioClip.ReadWav(path));
            Assert.Equal(path, error.SourceName);
            Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
