
namespace SoundStorm.Onnx;

/// <summary>How one sample is stored in a WAV data chunk.</summary>
public enum WavSampleFormat
{
    /// <summary>Unsigned 8-bit integer PCM, silence at 128.</summary>
    Pcm8,

    /// <summary>Signed 16-bit little-endian integer PCM.</summary>
    Pcm16,

    /// <summary>Signed 24-bit little-endian integer PCM (3 bytes per sample).</summary>
    Pcm24,

    /// <summary>Signed 32-bit little-endian integer PCM.</summary>
    Pcm32,

    /// <summary>IEEE 754 single-precision float, full scale ±1.</summary>
    Float32,

    /// <summary>IEEE 754 double-precision float, full scale ±1.</summary>
    Float64,
}
