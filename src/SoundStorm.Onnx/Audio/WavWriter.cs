using System.Buffers.Binary;
using System.Text;

namespace SoundStorm.Onnx.Audio;

/// <summary>
/// The canonical WAV encoder behind <see cref="AudioClip.WriteWav(string, WavSampleFormat)"/> (whose remarks give the
/// format), and the streamed mono writer of the pipeline's long outputs.
/// </summary>
internal static class WavWriter
{
    private const int EncodeBlockFrames = 8192;

    /// <summary>Writes a WAV file atomically (see <see cref="AudioClip.WriteWav(string, WavSampleFormat)"/>).</summary>
    /// <exception cref="ArgumentException">Unsupported format, a non-finite sample, or too much data for a WAV file.</exception>
    public static void Write(string path, AudioClip clip, WavSampleFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(clip);
        WriteAtomically(path, stream => Write(stream, clip, format));
    }

    /// <summary>
    /// Writes a mono 16-bit PCM file of <paramref name="frames"/> samples from blocks produced one at a time (so a
    /// long signal never has to be in memory at once), atomically as <see cref="Write(string, AudioClip, WavSampleFormat)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A non-finite sample, too much data, or blocks that do not add up to <paramref name="frames"/>.</exception>
    internal static void WriteMono(string path, int sampleRate, long frames, IEnumerable<ReadOnlyMemory<float>> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        WriteAtomically(path, stream =>
        {
            WriteHeader(stream, 1, sampleRate, frames, isFloat: false);
            var buffer = new byte[EncodeBlockFrames * 2];
            long written = 0;
            foreach (var block in blocks)
            {
                for (int first = 0; first < block.Length; first += EncodeBlockFrames)
                {
                    var samples = block.Span.Slice(first, Math.Min(EncodeBlockFrames, block.Length - first));
                    for (int f = 0; f < samples.Length; f++)
                    {
                        float x = samples[f];
                        if (!float.IsFinite(x)) throw new ArgumentException($"Sample {written + first + f} is {x}; only finite samples can be written.", nameof(blocks));
                        BinaryPrimitives.WriteInt16LittleEndian(buffer.AsSpan(f * 2, 2), ToPcm16(x));
                    }
                    stream.Write(buffer, 0, samples.Length * 2);
                }
                written += block.Length;
            }
            if (written != frames) throw new ArgumentException($"The blocks hold {written} samples; the header promised {frames}.", nameof(blocks));
        });
    }

    // The bytes go to a temporary file in the same folder, then replace the destination, so a failure never leaves a
    // half-written file behind.
    private static void WriteAtomically(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        string temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes WAV bytes to a stream at its current position; the stream is not closed.</summary>
    /// <exception cref="ArgumentException">Unsupported format, a non-finite sample, or too much data for a WAV file.</exception>
    public static void Write(Stream stream, AudioClip clip, WavSampleFormat format)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(clip);
        if (format is not (WavSampleFormat.Pcm16 or WavSampleFormat.Float32))
        {
            throw new ArgumentException($"WAV files are written as Pcm16 or Float32, not {format}.", nameof(format));
        }

        bool isFloat = format == WavSampleFormat.Float32;
        WriteHeader(stream, clip.ChannelCount, clip.SampleRate, clip.FrameCount, isFloat);
        WriteSamples(stream, clip, isFloat);
    }

    private static void WriteHeader(Stream stream, int channels, int sampleRate, long frames, bool isFloat)
    {
        int bytesPerSample = isFloat ? 4 : 2;
        int blockAlign = channels * bytesPerSample;
        long dataBytes = frames * blockAlign;
        int fmtSize = isFloat ? 18 : 16;
        long riffSize = 4 + (8 + fmtSize) + (isFloat ? 12 : 0) + 8 + dataBytes;
        if (riffSize > uint.MaxValue)
        {
            throw new ArgumentException($"The audio needs {dataBytes} data bytes; a WAV file holds at most 4 GiB.", nameof(frames));
        }

        using var header = new MemoryStream();
        using (var w = new BinaryWriter(header, Encoding.Latin1, leaveOpen: true))
        {
            w.Write("RIFF"u8);
            w.Write((uint)riffSize);
            w.Write("WAVE"u8);
            w.Write("fmt "u8);
            w.Write(fmtSize);
            w.Write((ushort)(isFloat ? 3 : 1));
            w.Write((ushort)channels);
            w.Write(sampleRate);
            w.Write(sampleRate * blockAlign);
            w.Write((ushort)blockAlign);
            w.Write((ushort)(bytesPerSample * 8));
            if (isFloat)
            {
                w.Write((ushort)0); // cbSize: no extension
                w.Write("fact"u8);
                w.Write(4);
                w.Write((uint)frames);
            }

            w.Write("data"u8);
            w.Write((uint)dataBytes);
        }

        header.Position = 0;
        header.CopyTo(stream);
    }

    private static void WriteSamples(Stream stream, AudioClip clip, bool isFloat)
    {
        int channels = clip.ChannelCount;
        int bytesPerSample = isFloat ? 4 : 2;
        byte[] buffer = new byte[EncodeBlockFrames * channels * bytesPerSample];
        for (int first = 0; first < clip.FrameCount; first += EncodeBlockFrames)
        {
            int count = Math.Min(EncodeBlockFrames, clip.FrameCount - first);
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<float> samples = clip.GetChannel(c).Span.Slice(first, count);
                for (int f = 0; f < count; f++)
                {
                    float x = samples[f];
                    if (!float.IsFinite(x))
                    {
                        throw new ArgumentException($"Sample {first + f} of channel {c} is {x}; only finite samples can be written.", nameof(clip));
                    }

                    Span<byte> target = buffer.AsSpan(((f * channels) + c) * bytesPerSample, bytesPerSample);
                    if (isFloat)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(target, x);
                    }
                    else
                    {
                        BinaryPrimitives.WriteInt16LittleEndian(target, ToPcm16(x));
                    }
                }
            }

            stream.Write(buffer, 0, count * channels * bytesPerSample);
        }
    }

    /// <summary>Scales by 32768, rounds half away from zero and clips to the 16-bit range.</summary>
    internal static short ToPcm16(float x)
    {
        double scaled = Math.Round(x * 32768.0, MidpointRounding.AwayFromZero);
        return (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
    }
}
