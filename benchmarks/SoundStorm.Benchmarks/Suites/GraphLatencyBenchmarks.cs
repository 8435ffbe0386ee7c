using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Suites;

/// <summary>Forward latency of the combiner and transformer graphs of the mid-size synthetic model, pre-allocated outputs.</summary>
[MemoryDiagnoser]
public class GraphLatencyBenchmarks
{
    private ModelPackage? _package;
    private InferenceSession? _combiner, _transformer;
    private OrtValue[] _combinerIn = [], _combinerOut = [], _transformerIn = [], _transformerOut = [];
    private readonly RunOptions _run = new();

    /// <summary>Frames (50 per second of audio).</summary>
    [Params(150, 500)]
    public int Frames { get; set; }

    /// <summary>Opens the sessions and allocates every tensor once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var c = BenchmarkModel.Mid.Config;
        _package = ModelPackage.Load(BenchmarkModel.Mid.EnsurePackage(BenchmarkPaths.CacheDirectory));
        var options = new SessionOptions { IntraOpNumThreads = 2 };
        _combiner = new InferenceSession(_package.GetGraphPath("combiner"), options);
        _transformer = new InferenceSession(_package.GetGraphPath("transformer"), options);
        var embeddings = OrtValue.CreateTensorValueFromMemory(new float[Frames * c.Dim], [1, Frames, c.Dim]);
        _combinerIn = [OrtValue.CreateTensorValueFromMemory(new long[Frames * c.Codebooks], [1, Frames, c.Codebooks])];
        _combinerOut = [embeddings];
        _transformerIn =
        [
            embeddings,
            OrtValue.CreateTensorValueFromMemory(new long[Frames], [1, Frames]),
            OrtValue.CreateTensorValueFromMemory(new bool[Frames], [1, Frames]),
            OrtValue.CreateTensorValueFromMemory(new long[] { 0 }, [1]),
        ];
        _transformerOut = [OrtValue.CreateTensorValueFromMemory(new float[Frames * c.CodebookSize], [1, Frames, c.CodebookSize])];
    }

    /// <summary>Token grid → frame embeddings.</summary>
    [Benchmark]
    public void Combiner() => _combiner!.Run(_run, ["tokens"], _combinerIn, ["embeddings"], _combinerOut);

    /// <summary>Frame embeddings → one level's logits.</summary>
    [Benchmark]
    public void Transformer() => _transformer!.Run(_run, ["embeddings", "semantic", "padding_mask", "level"], _transformerIn, ["logits"], _transformerOut);

    /// <summary>Releases native resources.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var v in _combinerIn.Concat(_transformerIn).Concat(_transformerOut)) v.Dispose();
        _combiner?.Dispose();
        _transformer?.Dispose();
        _package?.Dispose();
        _run.Dispose();
    }
}
