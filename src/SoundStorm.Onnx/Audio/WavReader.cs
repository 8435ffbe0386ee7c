using System.Buffers.Binary;
using System.Text;

namespace SoundStorm.Onnx.Audio;

/// <summary>
/// The RIFF/WAVE parser behind <see cref="AudioClip.ReadWav(string, bool, TimeSpan?)"/> (whose remarks say what it
/// accepts), which also reports what the header said (<see cref="WavFormat"/>).
/// </summary>
internal static class WavReader
{
    /// <summary>Most channels accepted.</summary>
    internal const int MaxChannels = 256;

    /// <summary>Highest sample rate accepted (Hz); anything above is treated as a corrupt header.</summary>
    internal const int MaxSampleRate = 1_000_000;

    /// <summary>Most samples (frames × channels) decoded from one file: 4 GiB of floats.</summary>
    internal const long MaxTotalSamples = 1L << 30;

    private const uint StreamingSize = 0xFFFFFFFF;
    private const int DecodeBlockBytes = 1 << 16;

    /// <summary>Reads a WAV file and reports what its header said.</summary>
    public static AudioClip Read(string path, out WavFormat format) => Read(path, requireComplete: false, maxDuration: null, out format);

    /// <summary>Reads WAV bytes from a stream and reports what its header said.</summary>
    public static AudioClip Read(Stream stream, string sourceName, out WavFormat format) =>
        Read(stream, sourceName, requireComplete: false, maxDuration: null, out format);

    /// <summary>Reads a WAV file (see <see cref="AudioClip.ReadWav(string, bool, TimeSpan?)"/>) and reports what its header said.</summary>
    public static AudioClip Read(string path, bool requireComplete, TimeSpan? maxDuration, out WavFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, DecodeBlockBytes, FileOptions.SequentialScan);
        return Read(stream, path, requireComplete, maxDuration, out format);
    }

    /// <summary>Reads WAV bytes from a stream, starting at its current position, and reports what its header said.</summary>
    public static AudioClip Read(Stream stream, string sourceName, bool requireComplete, TimeSpan? maxDuration, out WavFormat format)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanSeek)
        {
            // The real length is needed to clamp lying sizes, so buffer streams that cannot tell it.
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            return Read(buffered, sourceName, requireComplete, maxDuration, out format);
        }

        var (layout, found) = ReadLayout(stream, sourceName);
        format = found;
        if (maxDuration is { } longest && (double)format.FrameCount / format.SampleRate > longest.TotalSeconds)
        {
            // Judged from the header: the samples a few bytes can claim are never decoded.
            throw new AudioFormatException(sourceName, "data chunk size", string.Create(CultureInfo.InvariantCulture, $"at most {longest.TotalSeconds:0.###} s of audio"),
                string.Create(CultureInfo.InvariantCulture, $"{(double)format.FrameCount / format.SampleRate:0.0} s ({format.FrameCount} frames at {format.SampleRate} Hz)"));
        }

        if (requireComplete && format.Truncation is { } truncation)
            throw new AudioFormatException(sourceName, "data chunk size", "the whole data chunk", $"{truncation}: the file is truncated");

        stream.Position = layout.DataStart;
        float[][] channels = DecodeData(stream, layout.Fmt, (int)format.FrameCount, sourceName);
        return new AudioClip(channels, layout.Fmt.SampleRate);
    }

    private static (ChunkLayout Layout, WavFormat Format) ReadLayout(Stream stream, string sourceName)
    {
        var layout = WalkChunks(stream, sourceName);
        WavFmtChunk fmt = layout.Fmt;
        long frames = layout.DataBytes / fmt.BlockAlign;
        if (frames == 0)
        {
            throw new AudioFormatException(sourceName, "data chunk", $"at least one whole frame ({fmt.BlockAlign} bytes)", $"{layout.DataBytes} bytes");
        }

        if (frames * fmt.Channels > MaxTotalSamples)
        {
            throw new AudioFormatException(sourceName, "data chunk size", $"at most {MaxTotalSamples} samples", $"{frames} frames x {fmt.Channels} channels");
        }

        long? declaredFrames = layout.DeclaredDataBytes is { } declared ? declared / fmt.BlockAlign : null;
        return (layout, new WavFormat(fmt.SampleFormat, fmt.Channels, fmt.SampleRate, fmt.IsExtensible, frames, declaredFrames));
    }

    private readonly record struct ChunkLayout(WavFmtChunk Fmt, long DataStart, long DataBytes, long? DeclaredDataBytes);

    private static ChunkLayout WalkChunks(Stream stream, string source)
    {
        long end = stream.Length;
        Span<byte> header = stackalloc byte[12];
        int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < 12)
        {
            throw new AudioFormatException(source, "RIFF header", "12 bytes: 'RIFF', size, 'WAVE'", $"only {got} bytes");
        }

        string magic = FourCc(header[..4]);
        if (magic != "RIFF")
        {
            string hint = magic switch
            {
                "RIFX" => " (big-endian RIFF, not supported)",
                "RF64" => " (RF64/BW64 64-bit WAV, not supported)",
                _ => string.Empty,
            };
            throw new AudioFormatException(source, "RIFF magic", "'RIFF'", $"'{Printable(magic)}'{hint}");
        }

        string form = FourCc(header[8..12]);
        if (form != "WAVE")
        {
            throw new AudioFormatException(source, "RIFF form type", "'WAVE'", $"'{Printable(form)}'");
        }

        WavFmtChunk? fmt = null;
        long dataStart = -1, dataBytes = 0;
        long? declaredDataBytes = null;
        var seen = new List<string>();
        Span<byte> chunkHeader = stackalloc byte[8];
        long position = stream.Position;
        while (end - position >= 8)
        {
            stream.Position = position;
            stream.ReadExactly(chunkHeader);
            string id = FourCc(chunkHeader[..4]);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            long bodyStart = position + 8;
            long available = end - bodyStart;
            seen.Add(id);

            if (id == "fmt " && fmt is null)
            {
                if (size > available)
                {
                    throw new AudioFormatException(source, "fmt chunk size", $"at most the {available} bytes left in the file", $"{size}");
                }

                fmt = WavFmtChunk.Parse(stream, size, source);
            }
            else if (id == "data" && dataStart < 0)
            {
                dataStart = bodyStart;
                if (size == StreamingSize || size > available)
                {
                    // Streaming header or lying size: the data runs to the end of the file.
                    dataBytes = available;
                    declaredDataBytes = size == StreamingSize ? null : size;
                    if (fmt is not null)
                    {
                        break;
                    }

                    throw new AudioFormatException(source, "fmt chunk", "a 'fmt ' chunk before a data chunk that runs to the end of the file", "none");
                }

                dataBytes = size;
                declaredDataBytes = size;
            }

            long next = bodyStart + size + (size & 1);
            if (next > end && !(fmt is not null && dataStart >= 0))
            {
                throw new AudioFormatException(source, $"chunk '{Printable(id)}' size", $"at most the {available} bytes left in the file", $"{size}");
            }

            position = next;
        }

        string chunks = seen.Count == 0 ? "no chunks" : "chunks " + string.Join(", ", seen.Select(c => $"'{Printable(c)}'"));
        if (fmt is null)
        {
            throw new AudioFormatException(source, "fmt chunk", "a 'fmt ' chunk", $"none ({chunks})");
        }

        if (dataStart < 0)
        {
            throw new AudioFormatException(source, "data chunk", "a 'data' chunk", $"none ({chunks})");
        }

        return new ChunkLayout(fmt, dataStart, dataBytes, declaredDataBytes);
    }

    private static float[][] DecodeData(Stream stream, WavFmtChunk fmt, int frames, string source)
    {
        var channels = new float[fmt.Channels][];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new float[frames];
        }

        int framesPerBlock = Math.Max(1, DecodeBlockBytes / fmt.BlockAlign);
        byte[] buffer = new byte[framesPerBlock * fmt.BlockAlign];
        for (int firstFrame = 0; firstFrame < frames; firstFrame += framesPerBlock)
        {
            int count = Math.Min(framesPerBlock, frames - firstFrame);
            Span<byte> block = buffer.AsSpan(0, count * fmt.BlockAlign);
            stream.ReadExactly(block);
            WavSampleDecoder.Deinterleave(block, fmt.SampleFormat, channels, firstFrame, source);
        }

        return channels;
    }

    private static string FourCc(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Shows control bytes as \xNN so garbage chunk ids are readable in messages.</summary>
    internal static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char ch in text)
        {
            if (ch is >= ' ' and <= '~')
            {
                sb.Append(ch);
            }
            else
            {
                sb.Append($"\\x{(int)ch:X2}");
            }
        }

        return sb.ToString();
    }
}
