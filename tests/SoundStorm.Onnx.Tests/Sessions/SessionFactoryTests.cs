using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Tests.Sessions;

public class SessionFactoryTests
{
    private static readonly Lazy<string> Package = new(() => new TinyModel(2).WritePackage(TestPaths.NewTempDirectory()));

    [Fact]
    public void Cpu_session_opens_with_the_requested_settings()
    {
        using var package = ModelPackage.Load(Package.Value, verifyGraphs: false);
        using var session = package.CreateSession(GraphNames.Combiner, new SessionSettings { IntraOpThreads = 1 });
        Assert.Equal(["tokens"], session.InputMetadata.Keys);
    }

    [Theory]
    [InlineData(ExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(ExecutionProvider.DirectML, "Microsoft.ML.OnnxRuntime.DirectML")]
    public void Missing_provider_names_the_package_to_add(ExecutionProvider provider, string packageName)
    {
        using var package = ModelPackage.Load(Package.Value, verifyGraphs: false);
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() =>
            package.CreateSession(GraphNames.Combiner, new SessionSettings { Provider = provider }));
        Assert.Equal(provider, e.Provider);
        Assert.Equal(packageName, e.PackageName);
        Assert.Contains(packageName, e.Message);
        // The CPU package lacks the provider's entry point altogether.
        Assert.IsType<EntryPointNotFoundException>(e.InnerException);
    }

    [Fact]
    public void Provider_refused_by_the_runtime_itself_is_reported_the_same_way()
    {
        // AppendExecutionProvider("DML") throws OnnxRuntimeException ("not supported in this build") on the CPU package.
        SessionFactory.ProviderAppender byName = (options, _, _) => options.AppendExecutionProvider("DML");
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() =>
            SessionFactory.CreateOptions(new SessionSettings { Provider = ExecutionProvider.DirectML }, byName, out _));
        Assert.IsType<OnnxRuntimeException>(e.InnerException);
    }

    [Theory]
    [InlineData(ExecutionProvider.Cuda)]
    [InlineData(ExecutionProvider.DirectML)]
    public void Fallback_runs_on_cpu_and_logs_a_warning(ExecutionProvider provider)
    {
        var logger = new ListLogger();
        using var package = ModelPackage.Load(Package.Value, verifyGraphs: false);
        using var session = package.CreateSession(GraphNames.Transformer,
            new SessionSettings { Provider = provider, AllowCpuFallback = true, Logger = logger });
        Assert.Contains("logits", session.OutputMetadata.Keys);
        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(ExecutionProviderUnavailableException.PackageFor(provider), warning.Message);
    }

    [Fact]
    public void Unknown_provider_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SessionFactory.CreateOptions(new SessionSettings { Provider = (ExecutionProvider)42 }, SessionFactory.DefaultAppender, out _));
        Assert.Contains("Unknown execution provider 42", e.Message);
    }

    [Fact]
    public void Optimized_model_cache_is_written_then_used()
    {
        string cache = TestPaths.NewTempDirectory();
        var logger = new ListLogger();
        var settings = new SessionSettings { OptimizedModelCacheDirectory = cache, Logger = logger };
        using var package = ModelPackage.Load(Package.Value, verifyGraphs: false);
        using (package.CreateSession(GraphNames.Transformer, settings)) { }
        string cached = Path.Combine(cache, "transformer.cpu.optimized.onnx");
        Assert.True(File.Exists(cached));
        Assert.Empty(logger.Entries);
        using (var second = package.CreateSession(GraphNames.Transformer, settings))
            Assert.Contains("logits", second.OutputMetadata.Keys);
        Assert.Contains(cached, Assert.Single(logger.Entries).Message);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
