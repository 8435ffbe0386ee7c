using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// One transformer forward pass, standard opset-17 graph vs the package's fused alternative (com.microsoft
/// RotaryEmbedding + MultiHeadAttention), both sessions open at once and timed alternately on the same inputs, so
/// load drift on a shared machine hits both alike. Roofline fraction: the transformer's FLOPs over its forward time,
/// as a fraction of the MatMul ceiling measured right before.
/// </summary>
internal static class AttentionScenario
{
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, double ceilingGflops, int threads = 2)
    {
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        var c = model.Config;
        using var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory), verifyGraphs: false);
        using var standard = package.CreateSession("transformer", BenchmarkSessions.Settings(threads, preferStandardGraphs: true));
        using var fused = package.CreateSession("transformer", BenchmarkSessions.Settings(threads));

        var rng = new Random(frames);
        var embeddings = new float[frames * c.Dim];
        for (int i = 0; i < embeddings.Length; i++) embeddings[i] = (float)(rng.NextDouble() * 2 - 1);
        var semantic = new long[frames];
        for (int i = 0; i < frames; i++) semantic[i] = rng.Next(c.SemanticVocab);
        using var inputs = new DisposableList
        {
            OrtValue.CreateTensorValueFromMemory(embeddings, [1, frames, c.Dim]),
            OrtValue.CreateTensorValueFromMemory(semantic, [1, frames]),
            OrtValue.CreateTensorValueFromMemory(new bool[frames], [1, frames]),
            OrtValue.CreateTensorValueFromMemory(new long[] { 0 }, [1]),
        };
        using var logits = OrtValue.CreateTensorValueFromMemory(new float[frames * c.CodebookSize], [1, frames, c.CodebookSize]);
        string[] names = ["embeddings", "semantic", "padding_mask", "level"];
        using var runOptions = new RunOptions();
        double Time(InferenceSession session)
        {
            long start = Stopwatch.GetTimestamp();
            session.Run(runOptions, names, inputs, ["logits"], [logits]);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Time(standard); // warm-up: first runs allocate and plan
        Time(fused);
        int repeats = frames * c.Dim > 500_000 ? 3 : 5;
        var standardTimes = new double[repeats];
        var fusedTimes = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            standardTimes[r] = Time(standard);
            fusedTimes[r] = Time(fused);
        }
        double standardTime = Median(standardTimes), fusedTime = Median(fusedTimes);
        double gflop = Roofline.TransformerFlops(c, frames) / 1e9;
        string how = $"transformer only, batch 1, threads={threads}, median of {repeats} alternating runs";
        yield return new("attention", model.Name, seconds, "transformer forward, standard graph", standardTime, "s", how);
        yield return new("attention", model.Name, seconds, "transformer forward, fused graph", fusedTime, "s", how);
        yield return new("attention", model.Name, seconds, "roofline fraction, standard graph", gflop / standardTime / ceilingGflops, "of matmul ceiling",
            $"{gflop:F1} GFLOP per forward vs {ceilingGflops:F0} GFLOP/s");
        yield return new("attention", model.Name, seconds, "roofline fraction, fused graph", gflop / fusedTime / ceilingGflops, "of matmul ceiling",
            $"{gflop:F1} GFLOP per forward vs {ceilingGflops:F0} GFLOP/s");
        yield return new("attention", model.Name, seconds, "fused speed-up", standardTime / fusedTime, "×", "standard / fused forward time");
    }

    private static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);

    private sealed class DisposableList : List<OrtValue>, IDisposable
    {
        public void Dispose()
        {
            foreach (var value in this) value.Dispose();
        }
    }
}
