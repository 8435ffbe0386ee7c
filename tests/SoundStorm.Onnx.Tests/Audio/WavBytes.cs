using System.Buffers.Binary;
using System.Text;

namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>Hand-assembles WAV files byte by byte, independently of the library's writer.</summary>
internal static class WavBytes
{
    public const ushort TagPcm = 1;
    public const ushort TagFloat = 3;
    public const ushort TagExtensible = 0xFFFE;

    public static byte[] Chunk(string id, byte[] body, bool padOdd = true, uint? sizeOverride = null)
    {
        var result = new List<byte>(Encoding.ASCII.GetBytes(id));
        result.AddRange(U32(sizeOverride ?? (uint)body.Length));
        result.AddRange(body);
        if (padOdd && body.Length % 2 == 1)
        {
            result.Add(0);
        }

        return [.. result];
    }

    public static byte[] FmtBody(ushort tag, int channels, int rate, int bits, int? blockAlign = null)
    {
        int align = blockAlign ?? channels * bits / 8;
        return [.. U16(tag), .. U16((ushort)channels), .. U32((uint)rate), .. U32((uint)(rate * align)), .. U16((ushort)align), .. U16((ushort)bits)];
    }

    public static byte[] Fmt(ushort tag, int channels, int rate, int bits, int? blockAlign = null) =>
        Chunk("fmt ", FmtBody(tag, channels, rate, bits, blockAlign));

    /// <summary>WAVE_FORMAT_EXTENSIBLE: 16 basic bytes + cbSize 22 + valid bits, channel mask, sub-format GUID.</summary>
    public static byte[] FmtExtensible(ushort subTag, int channels, int rate, int bits, int validBits, byte[]? guidOverride = null)
    {
        byte[] guid = guidOverride ?? [.. U16(subTag), 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        byte[] body = [.. FmtBody(TagExtensible, channels, rate, bits), .. U16(22), .. U16((ushort)validBits), .. U32(0), .. guid];
        return Chunk("fmt ", body);
    }

    public static byte[] Riff(uint? riffSizeOverride, params byte[][] chunks)
    {
        byte[] all = [.. chunks.SelectMany(c => c)];
        return [.. "RIFF"u8.ToArray(), .. U32(riffSizeOverride ?? (uint)(4 + all.Length)), .. "WAVE"u8.ToArray(), .. all];
    }

    public static byte[] Riff(params byte[][] chunks) => Riff(null, chunks);

    public static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    /// <summary>Little-endian two's complement integer of <paramref name="bytes"/> bytes.</summary>
    public static byte[] Int(long v, int bytes)
    {
        var b = new byte[bytes];
        for (int i = 0; i < bytes; i++)
        {
            b[i] = (byte)(v >> (8 * i));
        }

        return b;
    }

    public static byte[] F32(float v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, v);
        return b;
    }

    public static byte[] F64(double v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, v);
        return b;
    }

    /// <summary>A 16-bit mono 16 kHz data chunk with the given sample values.</summary>
    public static byte[] Pcm16Data(params short[] samples) => Chunk("data", [.. samples.SelectMany(s => Int(s, 2))]);

    public static byte[] Pcm16Mono(int rate, params short[] samples) => Riff(Fmt(TagPcm, 1, rate, 16), Pcm16Data(samples));
}
