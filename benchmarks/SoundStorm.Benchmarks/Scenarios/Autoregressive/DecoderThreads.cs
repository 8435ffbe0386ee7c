using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Benchmarks.Scenarios.Autoregressive;

/// <summary>
/// The threads the autoregressive decoders' sessions run on. A decode step is many small operators (one-row
/// products), and a sleeping ONNX Runtime worker costs 0.1–0.2 ms to wake on a VM for each of them, so the decoders
/// want their workers to spin between operators. Spinning per session would not do: the int8-cache decoder runs
/// 13 sessions a step, and 13 pools' workers spinning at once starve the cores (measured: a step 5× slower). So the
/// harness creates ONNX Runtime's environment with one global pool of spinning workers (<see cref="CreateGlobalPool"/>,
/// first thing in the process) and the decoders' sessions share it; where the environment already existed without it
/// (a test host), they fall back to per-session pools that sleep.
/// </summary>
internal static class DecoderThreads
{
    /// <summary>Threads of the global pool.</summary>
    public const int Threads = 2;

    /// <summary>Whether <see cref="CreateGlobalPool"/> made the environment.</summary>
    public static bool GlobalPool { get; private set; }

    /// <summary>Creates ONNX Runtime's environment with a global pool of <see cref="Threads"/> spinning workers; call before any other ONNX Runtime use.</summary>
    public static void CreateGlobalPool()
    {
        var threading = new OrtThreadingOptions { GlobalIntraOpNumThreads = Threads, GlobalInterOpNumThreads = 1, GlobalSpinControl = true };
        var options = new EnvironmentCreationOptions { threadOptions = threading };
        OrtEnv.CreateInstanceWithOptions(ref options);
        GlobalPool = true;
    }

    /// <summary>Session options for a decoder's graphs: the global pool when there is one, else two sleeping threads of its own.</summary>
    public static SessionOptions SessionOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (GlobalPool) options.DisablePerSessionThreads();
        else
        {
            options.IntraOpNumThreads = Threads;
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }
        return options;
    }

    /// <summary>What the results table says of the threads.</summary>
    public static string Description => GlobalPool ? $"one global pool of {Threads} spinning threads" : $"{Threads} sleeping threads per session";
}
