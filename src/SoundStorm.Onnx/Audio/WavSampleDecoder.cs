using System.Buffers.Binary;

namespace SoundStorm.Onnx.Audio;

/// <summary>Turns interleaved little-endian sample bytes into planar floats.</summary>
internal static class WavSampleDecoder
{
    // Integer PCM is scaled by 1/2^(bits-1): exact in float for 8/16/24 bits, and the inverse of WavWriter's scaling.
    private const float Scale8 = 1f / 128;
    private const float Scale16 = 1f / 32768;
    private const float Scale24 = 1f / 8388608;
    private const float Scale32 = 1f / 2147483648;

    /// <summary>Decodes whole frames of <paramref name="block"/> into <paramref name="channels"/> from <paramref name="firstFrame"/> on.</summary>
    public static void Deinterleave(ReadOnlySpan<byte> block, WavSampleFormat format, float[][] channels, int firstFrame, string source)
    {
        int channelCount = channels.Length;
        int bytes = BytesPerSample(format);
        int frames = block.Length / (bytes * channelCount);
        for (int f = 0; f < frames; f++)
        {
            for (int c = 0; c < channelCount; c++)
            {
                ReadOnlySpan<byte> s = block.Slice(((f * channelCount) + c) * bytes, bytes);
                float value = format switch
                {
                    WavSampleFormat.Pcm8 => (s[0] - 128) * Scale8,
                    WavSampleFormat.Pcm16 => BinaryPrimitives.ReadInt16LittleEndian(s) * Scale16,
                    WavSampleFormat.Pcm24 => (s[0] | (s[1] << 8) | ((sbyte)s[2] << 16)) * Scale24,
                    WavSampleFormat.Pcm32 => BinaryPrimitives.ReadInt32LittleEndian(s) * Scale32,
                    WavSampleFormat.Float32 => BinaryPrimitives.ReadSingleLittleEndian(s),
                    _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(s),
                };

                if (!float.IsFinite(value))
                {
                    throw new AudioFormatException(source, $"data[frame {firstFrame + f}, channel {c}]", "a finite sample", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                channels[c][firstFrame + f] = value;
            }
        }
    }

    /// <summary>Bytes one sample of <paramref name="format"/> occupies.</summary>
    public static int BytesPerSample(WavSampleFormat format) => format switch
    {
        WavSampleFormat.Pcm8 => 1,
        WavSampleFormat.Pcm16 => 2,
        WavSampleFormat.Pcm24 => 3,
        WavSampleFormat.Pcm32 or WavSampleFormat.Float32 => 4,
        _ => 8,
    };
}
