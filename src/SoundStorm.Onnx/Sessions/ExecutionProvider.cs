
namespace SoundStorm.Onnx;

/// <summary>Where ONNX Runtime runs the graphs. Each needs its native package in the application (see the remarks of <see cref="SessionSettings"/>).</summary>
public enum ExecutionProvider
{
    /// <summary>The CPU (package Microsoft.ML.OnnxRuntime).</summary>
    Cpu,
    /// <summary>NVIDIA CUDA (package Microsoft.ML.OnnxRuntime.Gpu; Linux and Windows).</summary>
    Cuda,
    /// <summary>DirectML (package Microsoft.ML.OnnxRuntime.DirectML; Windows).</summary>
    DirectML,
}
