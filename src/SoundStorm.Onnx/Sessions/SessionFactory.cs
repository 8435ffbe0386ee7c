using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Onnx.Sessions;

/// <summary>Creates ONNX Runtime sessions from <see cref="SessionSettings"/>, including provider fallback and the optimised-model cache.</summary>
internal static class SessionFactory
{
    /// <summary>Appends a provider to session options; replaceable in tests to simulate native libraries.</summary>
    internal delegate void ProviderAppender(SessionOptions options, ExecutionProvider provider, int deviceId);

    internal static ProviderAppender DefaultAppender { get; } = (options, provider, deviceId) =>
    {
        switch (provider)
        {
            case ExecutionProvider.Cuda: options.AppendExecutionProvider_CUDA(deviceId); break;
            case ExecutionProvider.DirectML: options.AppendExecutionProvider_DML(deviceId); break;
        }
    };

    public static InferenceSession Create(string modelPath, SessionSettings settings, string graphName, ProviderAppender? appender = null) =>
        Create(_ => new GraphChoice(modelPath, Fused: false), settings, graphName, appender);

    /// <summary>
    /// Opens the file <paramref name="choose"/> picks for the provider the session really uses (the CPU after a
    /// fallback), so a graph variant is chosen for where it will run.
    /// </summary>
    public static InferenceSession Create(Func<ExecutionProvider, GraphChoice> choose, SessionSettings settings, string graphName, ProviderAppender? appender = null)
    {
        using var options = CreateOptions(settings, appender ?? DefaultAppender, out var provider);
        var (modelPath, fused) = choose(provider);
        string source = modelPath;
        if (settings.OptimizedModelCacheDirectory is { } cacheDir)
        {
            Directory.CreateDirectory(cacheDir);
            string variant = fused ? ".fused" : "";
            string cached = Path.Combine(cacheDir, $"{graphName}{variant}.{provider.ToString().ToLowerInvariant()}.optimized.onnx");
            if (File.Exists(cached) && File.GetLastWriteTimeUtc(cached) >= File.GetLastWriteTimeUtc(modelPath))
            {
                settings.Logger?.LogInformation("Loading the optimised {Graph} graph from {Path}.", graphName, cached);
                options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
                source = cached;
            }
            else
            {
                options.OptimizedModelFilePath = cached;
            }
        }
        return new InferenceSession(source, options);
    }

    /// <summary>Builds session options; <paramref name="provider"/> is the provider actually used (CPU after a fallback).</summary>
    internal static SessionOptions CreateOptions(SessionSettings settings, ProviderAppender appender, out ExecutionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Enum.IsDefined(settings.Provider))
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Provider,
                $"Unknown execution provider {(int)settings.Provider}; use one of {string.Join(", ", Enum.GetNames<ExecutionProvider>())}.");
        ArgumentOutOfRangeException.ThrowIfNegative(settings.IntraOpThreads, nameof(settings.IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.DeviceId, nameof(settings.DeviceId));

        var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.OptimizationLevel,
            IntraOpNumThreads = settings.IntraOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // A memory pattern is planned and kept per input shape. Long inputs run as chunks and windows of a few
            // different shapes, and the kept patterns made peak memory grow with the input's length (decoding 120 s:
            // 306 MB with patterns, 216 MB without; 30 s: 190 MB either way); no speed difference was measurable here.
            EnableMemoryPattern = false,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", settings.SpinningThreads ? "1" : "0");
        provider = settings.Provider;
        if (provider == ExecutionProvider.Cpu) return options;
        try
        {
            if (provider == ExecutionProvider.DirectML) options.EnableMemoryPattern = false; // DirectML requires it
            appender(options, provider, settings.DeviceId);
            return options;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or OnnxRuntimeException or DllNotFoundException)
        {
            options.Dispose();
            if (!settings.AllowCpuFallback) throw new ExecutionProviderUnavailableException(provider, e);
            settings.Logger?.LogWarning(
                "The {Provider} execution provider is unavailable ({Error}); running on the CPU. Reference {Package} to use it.",
                provider, e.Message, ExecutionProviderUnavailableException.PackageFor(provider));
            var cpu = new SessionSettings
            {
                Provider = ExecutionProvider.Cpu,
                IntraOpThreads = settings.IntraOpThreads,
                OptimizationLevel = settings.OptimizationLevel,
                SpinningThreads = settings.SpinningThreads,
            };
            return CreateOptions(cpu, appender, out provider);
        }
    }
}
