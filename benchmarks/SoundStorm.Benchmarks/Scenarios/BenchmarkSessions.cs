using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// The session settings every scenario opens its graphs with: the thread count it asks for, on the execution provider
/// the run was started with (<c>scenarios --provider cpu|cuda|directml</c>; CUDA needs the benchmarks built with
/// <c>-p:OnnxRuntimeNative=Gpu</c>). A missing provider fails the run rather than measuring the CPU under its name.
/// </summary>
internal static class BenchmarkSessions
{
    /// <summary>Set once by the entry point before any scenario runs.</summary>
    public static ExecutionProvider Provider { get; set; } = ExecutionProvider.Cpu;

    public static SessionSettings Settings(int threads, bool preferStandardGraphs = false) =>
        new() { IntraOpThreads = threads, Provider = Provider, PreferStandardGraphs = preferStandardGraphs };

    /// <summary>Parses the <c>--provider</c> value.</summary>
    public static ExecutionProvider Parse(string name) => name.ToUpperInvariant() switch
    {
        "CPU" => ExecutionProvider.Cpu,
        "CUDA" => ExecutionProvider.Cuda,
        "DIRECTML" or "DML" => ExecutionProvider.DirectML,
        _ => throw new ArgumentException($"--provider {name}: expected cpu, cuda or directml."),
    };
}
