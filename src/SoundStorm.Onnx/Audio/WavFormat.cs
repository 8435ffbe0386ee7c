namespace SoundStorm.Onnx.Audio;

/// <summary>
/// What <see cref="WavReader"/> found in a WAV file: the sample encoding from the <c>fmt </c> chunk and
/// how much of the <c>data</c> chunk was actually present.
/// </summary>
/// <param name="SampleFormat">Encoding of one sample.</param>
/// <param name="ChannelCount">Interleaved channels per frame.</param>
/// <param name="SampleRate">Frames per second (Hz).</param>
/// <param name="IsExtensible">True when the header used WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE).</param>
/// <param name="FrameCount">Frames decoded (whole frames only).</param>
/// <param name="DeclaredFrameCount">
/// Frames the data chunk's size field announced, or <c>null</c> for a streaming header (size 0xFFFFFFFF),
/// where the data runs to the end of the file.
/// </param>
internal sealed record WavFormat(
    WavSampleFormat SampleFormat,
    int ChannelCount,
    int SampleRate,
    bool IsExtensible,
    long FrameCount,
    long? DeclaredFrameCount)
{
    /// <summary>Bytes of one sample of one channel.</summary>
    public int BytesPerSample => WavSampleDecoder.BytesPerSample(SampleFormat);

    /// <summary>
    /// True when the data chunk announced more frames than the file holds (a "lying size", typical of an
    /// interrupted recording); the reader then decoded only the whole frames present.
    /// </summary>
    public bool IsTruncated => DeclaredFrameCount is { } declared && declared > FrameCount;

    /// <summary>
    /// For a truncated file (<see cref="IsTruncated"/>), what its header promised and what it holds, e.g. "the data
    /// chunk declares 52640 frames (3.29 s) but the file holds 24960 (1.56 s)", for a warning; null for a complete file.
    /// </summary>
    public string? Truncation => IsTruncated
        ? string.Create(CultureInfo.InvariantCulture,
            $"the data chunk declares {DeclaredFrameCount} frames ({Seconds(DeclaredFrameCount!.Value)}) but the file holds {FrameCount} ({Seconds(FrameCount)})")
        : null;

    private string Seconds(long frames) => string.Create(CultureInfo.InvariantCulture, $"{(double)frames / SampleRate:0.00} s");
}
