using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx;

// WAV files in and out (the parsing and encoding live in Audio/WavReader.cs and Audio/WavWriter.cs).
public sealed partial class AudioClip
{
    /// <summary>Reads a WAV file.</summary>
    /// <remarks>
    /// <para>Reads RIFF/WAVE files: integer PCM (8-bit unsigned, 16, 24, 32-bit), IEEE float (32, 64-bit), plain or
    /// WAVE_FORMAT_EXTENSIBLE headers, any channel count up to 256 and sample rates up to 1 MHz. Chunks are walked by
    /// their own sizes (odd sizes skip their pad byte); chunks other than <c>fmt </c> and <c>data</c> (LIST, fact, cue,
    /// unknown ones) are skipped wherever they are. The RIFF size field is ignored because streaming writers leave it
    /// wrong; the real end of the file is used instead.</para>
    /// <para>A data size of 0xFFFFFFFF (a streaming header) means "to the end of the file". A data size larger than the
    /// file ("lying size", e.g. an interrupted recording) is clamped to the whole frames present — the
    /// <see cref="ReadWav(string, out string?)"/> overload reports it, for a warning — or, with
    /// <paramref name="requireComplete"/>, it is refused. A trailing partial frame is dropped.</para>
    /// <para>Integer samples are scaled by 1/2^(bits-1) so they land in [-1, 1); float samples pass through unchanged
    /// (they may exceed ±1) but must be finite.</para>
    /// <para>Anything else (truncated header, missing chunk, unsupported encoding, zero samples, absurd rate or channel
    /// count, inconsistent block align, non-WAV bytes) raises <see cref="AudioFormatException"/>. Limits, and
    /// <paramref name="maxDuration"/>, are checked from the header before any sample buffer is allocated.</para>
    /// </remarks>
    /// <param name="path">Path of the file.</param>
    /// <param name="requireComplete">
    /// True: a file that holds fewer frames than its data chunk declares raises <see cref="AudioFormatException"/>.
    /// False: it is read as far as whole frames exist.
    /// </param>
    /// <param name="maxDuration">
    /// The longest audio accepted, judged from the header before any sample is decoded (a few bytes can claim hours);
    /// null for no limit beyond the reader's own (2³⁰ samples).
    /// </param>
    /// <returns>The decoded clip (planar channels; use <see cref="ToMono()"/> to downmix).</returns>
    /// <exception cref="AudioFormatException">
    /// The file is not a WAV file this reader supports, is truncated and <paramref name="requireComplete"/> is set, or
    /// is longer than <paramref name="maxDuration"/>.
    /// </exception>
    public static AudioClip ReadWav(string path, bool requireComplete = false, TimeSpan? maxDuration = null) =>
        WavReader.Read(path, requireComplete, maxDuration, out _);

    /// <summary>
    /// Reads a WAV file as <see cref="ReadWav(string, bool, TimeSpan?)"/> does, and says whether it was cut short.
    /// </summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="truncation">
    /// For a file that holds fewer frames than its data chunk declares (read as far as whole frames exist), what its
    /// header promised and what it holds, e.g. "the data chunk declares 52640 frames (3.29 s) but the file holds 24960
    /// (1.56 s)": pass it on as a warning. Null for a complete file.
    /// </param>
    /// <returns>The decoded clip.</returns>
    /// <exception cref="AudioFormatException">The file is not a WAV file this reader supports.</exception>
    public static AudioClip ReadWav(string path, out string? truncation)
    {
        var clip = WavReader.Read(path, requireComplete: false, maxDuration: null, out var format);
        truncation = format.Truncation;
        return clip;
    }

    /// <summary>Reads WAV bytes from a stream, starting at its current position (see <see cref="ReadWav(string, bool, TimeSpan?)"/>).</summary>
    /// <param name="stream">The bytes; non-seekable streams are first copied into memory.</param>
    /// <param name="sourceName">Name used in error messages (e.g. the file name or URL).</param>
    /// <param name="requireComplete">True: a truncated data chunk raises <see cref="AudioFormatException"/>.</param>
    /// <param name="maxDuration">The longest audio accepted, judged from the header before any sample is decoded; null for no limit.</param>
    /// <returns>The decoded clip.</returns>
    /// <exception cref="AudioFormatException">
    /// The bytes are not a WAV file this reader supports, are truncated and <paramref name="requireComplete"/> is set,
    /// or hold more than <paramref name="maxDuration"/>.
    /// </exception>
    public static AudioClip ReadWav(Stream stream, string sourceName, bool requireComplete = false, TimeSpan? maxDuration = null) =>
        WavReader.Read(stream, sourceName, requireComplete, maxDuration, out _);

    /// <summary>Reads WAV bytes from a stream, starting at its current position, and says whether they were cut short.</summary>
    /// <param name="stream">The bytes; non-seekable streams are first copied into memory.</param>
    /// <param name="sourceName">Name used in error messages (e.g. the file name or URL).</param>
    /// <param name="truncation">What the header promised and what the bytes hold, for a truncated file (see <see cref="ReadWav(string, out string?)"/>); else null.</param>
    /// <returns>The decoded clip.</returns>
    /// <exception cref="AudioFormatException">The bytes are not a WAV file this reader supports.</exception>
    public static AudioClip ReadWav(Stream stream, string sourceName, out string? truncation)
    {
        var clip = WavReader.Read(stream, sourceName, requireComplete: false, maxDuration: null, out var format);
        truncation = format.Truncation;
        return clip;
    }

    /// <summary>
    /// Writes the clip as a canonical WAV file, atomically: the bytes go to a temporary file in the same folder, which is
    /// then moved over <paramref name="path"/>, so a failure never leaves a half-written file behind.
    /// </summary>
    /// <remarks>
    /// 16-bit PCM or 32-bit IEEE float, channels interleaved, a plain <c>fmt </c> chunk (plus a <c>fact</c> chunk for
    /// float, as the format asks). 16-bit samples are <c>round(x × 32768)</c> (ties away from zero) clipped to
    /// [-32768, 32767] — the exact inverse of the reader's scaling, so reading and re-writing a 16-bit file is lossless.
    /// Non-finite samples are refused with <see cref="ArgumentException"/> rather than silently clipped.
    /// </remarks>
    /// <param name="path">Destination path; an existing file is replaced only once the new one is complete.</param>
    /// <param name="format"><see cref="WavSampleFormat.Pcm16"/> or <see cref="WavSampleFormat.Float32"/>.</param>
    /// <exception cref="ArgumentException">Unsupported format, a non-finite sample, or too much data for a WAV file.</exception>
    public void WriteWav(string path, WavSampleFormat format = WavSampleFormat.Pcm16) => WavWriter.Write(path, this, format);

    /// <summary>Writes the clip as WAV bytes to a stream at its current position (see <see cref="WriteWav(string, WavSampleFormat)"/>).</summary>
    /// <param name="stream">A writable stream; it is not closed.</param>
    /// <param name="format"><see cref="WavSampleFormat.Pcm16"/> or <see cref="WavSampleFormat.Float32"/>.</param>
    /// <exception cref="ArgumentException">Unsupported format, a non-finite sample, or too much data for a WAV file.</exception>
    public void WriteWav(Stream stream, WavSampleFormat format = WavSampleFormat.Pcm16) => WavWriter.Write(stream, this, format);
}
