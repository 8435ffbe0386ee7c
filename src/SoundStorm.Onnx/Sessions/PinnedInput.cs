using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SoundStorm.Onnx.Sessions;

/// <summary>
/// A float tensor over memory the caller keeps pinned (<c>fixed</c>), so a slice of a long waveform goes into a graph
/// without being copied: per-chunk copies of long audio land on the large-object heap, which the collector compacts
/// rarely, and made peak memory grow with the input's length.
/// </summary>
internal static class PinnedInput
{
    /// <summary>A [1, <paramref name="length"/>] tensor viewing <paramref name="samples"/>; valid only while they stay pinned.</summary>
    public static unsafe OrtValue Waveform(float* samples, int length) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [1, length], (IntPtr)samples, (long)length * sizeof(float));
}
