using BenchmarkDotNet.Attributes;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Suites;

/// <summary>One full MaskGIT generation on the mid-size synthetic model (forward latency per graph: <see cref="GraphLatencyBenchmarks"/>).</summary>
[MemoryDiagnoser]
public class GenerationBenchmarks
{
    private ModelPackage? _package;
    private SoundStormGenerator? _generator;
    private GenerationRequest? _request;

    /// <summary>Audio seconds generated.</summary>
    [Params(3)]
    public double Seconds { get; set; }

    /// <summary>Loads the package once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _package = ModelPackage.Load(BenchmarkModel.Mid.EnsurePackage(BenchmarkPaths.CacheDirectory));
        _generator = new SoundStormGenerator(_package, new SessionSettings { IntraOpThreads = 2 });
        var rng = new Random(1);
        _request = new GenerationRequest(Enumerable.Range(0, (int)(Seconds * 50)).Select(_ => (long)rng.Next(500)).ToArray());
    }

    /// <summary>16 + 7 forward passes and the sampler between them.</summary>
    [Benchmark]
    public CodeGrid Generate() => _generator!.Generate(_request!);

    /// <summary>Releases the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _generator?.Dispose();
        _package?.Dispose();
    }
}
