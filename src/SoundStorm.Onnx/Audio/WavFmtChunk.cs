using System.Buffers.Binary;

namespace SoundStorm.Onnx.Audio;

/// <summary>The validated contents of a WAV <c>fmt </c> chunk.</summary>
internal sealed record WavFmtChunk(WavSampleFormat SampleFormat, int Channels, int SampleRate, int BlockAlign, bool IsExtensible)
{
    private const ushort TagPcm = 0x0001;
    private const ushort TagFloat = 0x0003;
    private const ushort TagExtensible = 0xFFFE;

    /// <summary>Bytes 2..15 shared by the KSDATAFORMAT_SUBTYPE_* GUIDs; bytes 0..1 hold the format tag.</summary>
    private static ReadOnlySpan<byte> SubFormatGuidTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Reads and validates a fmt chunk body of <paramref name="size"/> bytes at the stream position.</summary>
    public static WavFmtChunk Parse(Stream stream, uint size, string source)
    {
        if (size < 16)
        {
            throw new AudioFormatException(source, "fmt chunk size", "at least 16 bytes", $"{size}");
        }

        // Only the first 40 bytes carry anything this reader uses; the chunk is skipped by size afterwards.
        Span<byte> body = stackalloc byte[40];
        body = body[..(int)Math.Min(size, 40u)];
        stream.ReadExactly(body);

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(body[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);

        bool extensible = tag == TagExtensible;
        if (extensible)
        {
            tag = ParseExtensibleSubFormat(body, bits, source);
        }

        if (tag != TagPcm && tag != TagFloat)
        {
            throw new AudioFormatException(source, "fmt.FormatTag", "1 (PCM), 3 (IEEE float) or 0xFFFE (extensible)", $"0x{tag:X4}{TagName(tag)}");
        }

        if (channels is < 1 or > WavReader.MaxChannels)
        {
            throw new AudioFormatException(source, "fmt.Channels", $"1 to {WavReader.MaxChannels}", $"{channels}");
        }

        if (sampleRate is < 1 or > WavReader.MaxSampleRate)
        {
            throw new AudioFormatException(source, "fmt.SampleRate", $"1 to {WavReader.MaxSampleRate} Hz", $"{sampleRate} Hz");
        }

        WavSampleFormat sampleFormat = (tag, bits) switch
        {
            (TagPcm, 8) => WavSampleFormat.Pcm8,
            (TagPcm, 16) => WavSampleFormat.Pcm16,
            (TagPcm, 24) => WavSampleFormat.Pcm24,
            (TagPcm, 32) => WavSampleFormat.Pcm32,
            (TagFloat, 32) => WavSampleFormat.Float32,
            (TagFloat, 64) => WavSampleFormat.Float64,
            (TagPcm, _) => throw new AudioFormatException(source, "fmt.BitsPerSample", "8, 16, 24 or 32 for PCM", $"{bits}"),
            _ => throw new AudioFormatException(source, "fmt.BitsPerSample", "32 or 64 for IEEE float", $"{bits}"),
        };

        int expectedAlign = channels * (bits / 8);
        if (blockAlign != expectedAlign)
        {
            throw new AudioFormatException(source, "fmt.BlockAlign", $"{expectedAlign} ({channels} channels x {bits / 8} bytes)", $"{blockAlign}");
        }

        return new WavFmtChunk(sampleFormat, channels, (int)sampleRate, blockAlign, extensible);
    }

    /// <summary>Checks the WAVE_FORMAT_EXTENSIBLE tail and returns the real format tag from its GUID.</summary>
    private static ushort ParseExtensibleSubFormat(ReadOnlySpan<byte> body, int bits, string source)
    {
        if (body.Length < 40)
        {
            throw new AudioFormatException(source, "fmt chunk size", "40 bytes for WAVE_FORMAT_EXTENSIBLE", $"{body.Length}");
        }

        int validBits = BinaryPrimitives.ReadUInt16LittleEndian(body[18..]);
        if (validBits > bits)
        {
            throw new AudioFormatException(source, "fmt.ValidBitsPerSample", $"at most the container's {bits} bits", $"{validBits}");
        }

        ReadOnlySpan<byte> guid = body.Slice(24, 16);
        if (!guid[2..].SequenceEqual(SubFormatGuidTail))
        {
            throw new AudioFormatException(source, "fmt.SubFormat", "a KSDATAFORMAT_SUBTYPE GUID (PCM or IEEE float)", new Guid(guid).ToString());
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(guid);
    }

    private static string TagName(ushort tag) => tag switch
    {
        0x0002 => " (MS ADPCM)",
        0x0006 => " (A-law)",
        0x0007 => " (mu-law)",
        0x0011 => " (IMA ADPCM)",
        0x0055 => " (MPEG Layer 3)",
        _ => " (unsupported)",
    };
}
