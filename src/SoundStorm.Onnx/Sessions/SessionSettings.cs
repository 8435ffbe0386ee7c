using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Onnx;

/// <summary>How graphs are opened in ONNX Runtime.</summary>
/// <remarks>
/// This library references only Microsoft.ML.OnnxRuntime.Managed; the application adds exactly one native package:
/// Microsoft.ML.OnnxRuntime (CPU), Microsoft.ML.OnnxRuntime.Gpu (CUDA) or Microsoft.ML.OnnxRuntime.DirectML.
/// </remarks>
public sealed class SessionSettings
{
    /// <summary>The execution provider. Default CPU.</summary>
    public ExecutionProvider Provider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>GPU index for CUDA and DirectML. Default 0.</summary>
    public int DeviceId { get; set; }

    /// <summary>Threads within one operator; 0 lets ONNX Runtime choose. Default 0.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Let ONNX Runtime's threads spin between operators, waiting for the next one, instead of sleeping. Default false:
    /// where the threads share physical cores (hyper-threads, a small VM, or other work on the machine) a spinning
    /// thread takes the core from the one still working and from the sampler between graph calls — on a 2-vCPU VM
    /// (one core, two hyper-threads) a 10 s generation ran about 10 % faster without spinning. With a physical core
    /// per thread and nothing else running, spinning can shorten the hand-over between small operators.
    /// </summary>
    public bool SpinningThreads { get; set; }

    /// <summary>Graph optimisation level. Default: all optimisations.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// A folder where the optimised graphs are saved, so the next start loads them instead of optimising again
    /// (one file per graph and provider; refreshed when the source graph is newer). Null = no cache.
    /// </summary>
    public string? OptimizedModelCacheDirectory { get; set; }

    /// <summary>
    /// Open every graph's standard opset file even where the package has a fused alternative the provider could run
    /// (<see cref="Packages.GraphEntry.Fused"/>; used on CPU and CUDA by default). Default false.
    /// </summary>
    public bool PreferStandardGraphs { get; set; }

    /// <summary>When the provider is missing, log a warning and use the CPU instead of throwing. Default false.</summary>
    public bool AllowCpuFallback { get; set; }

    /// <summary>Receives warnings (CPU fallback) and information (cache use). Null = silent.</summary>
    public ILogger? Logger { get; set; }
}
