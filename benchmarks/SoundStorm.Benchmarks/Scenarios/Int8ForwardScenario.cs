using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// One transformer forward of the float32 and the int8 package, timed alternately (float32, int8, float32, …) on the
/// same input, so that a load that drifts on a shared machine falls on both sides of the ratio alike.
/// </summary>
internal static class Int8ForwardScenario
{
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, int pairs, int threads = 2)
    {
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        var c = model.Config;
        using var float32 = Open(model.EnsurePackage(s.CacheDirectory), threads);
        using var int8 = Open(model.EnsurePackage(s.CacheDirectory, int8: true), threads);
        var rng = new Random(frames);
        var embeddings = new float[frames * c.Dim];
        for (int i = 0; i < embeddings.Length; i++) embeddings[i] = (float)(rng.NextDouble() * 2 - 1);
        var semantic = new long[frames];
        for (int i = 0; i < frames; i++) semantic[i] = rng.Next(c.SemanticVocab);
        using var e = OrtValue.CreateTensorValueFromMemory(embeddings, [1, frames, c.Dim]);
        using var k = OrtValue.CreateTensorValueFromMemory(semantic, [1, frames]);
        using var p = OrtValue.CreateTensorValueFromMemory(new bool[frames], [1, frames]);
        using var l = OrtValue.CreateTensorValueFromMemory(new long[] { 0 }, [1]);
        string[] names = ["embeddings", "semantic", "padding_mask", "level"]; // the transformer's inputs (docs/graph-contract.md)
        OrtValue[] inputs = [e, k, p, l];
        double Time(InferenceSession session)
        {
            using var run = new RunOptions();
            long start = Stopwatch.GetTimestamp();
            using var outputs = session.Run(run, names, inputs, session.OutputNames);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        var (fa, fb) = AlternatingTimes.Medians(() => Time(float32), () => Time(int8), pairs);
        string how = $"transformer only, level 0, {pairs} alternating pairs, medians, threads={threads}";
        yield return new("int8 forward", model.Name, seconds, "float32 forward", fa, "s", how);
        yield return new("int8 forward", model.Name, seconds, "int8 forward", fb, "s", how);
        yield return new("int8 forward", model.Name, seconds, "int8 / float32 forward time", fb / fa, "×", how);
    }

    private static InferenceSession Open(string package, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new InferenceSession(Path.Combine(package, "transformer.onnx"), options);
    }
}
