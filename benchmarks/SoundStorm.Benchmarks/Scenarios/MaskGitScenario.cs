using System.Diagnostics;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>Full MaskGIT generations: wall time, time inside ONNX Runtime, loop overhead and roofline fraction.</summary>
internal static class MaskGitScenario
{
    /// <summary>The figures of one case; <paramref name="int8"/> runs the int8 package (model name suffixed "-int8").</summary>
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, double ceilingGflops, int threads = 2, bool int8 = false)
    {
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        using var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory, int8));
        using var generator = new SoundStormGenerator(package, BenchmarkSessions.Settings(threads));
        var request = Request(model, frames);
        generator.Generate(Request(model, Math.Min(frames, 50)), new GenerationOptions { IterationsPerLevel = Enumerable.Repeat(1, model.Config.Codebooks).ToArray() }); // warm-up

        // Timed runs: the median of three (one for the long paper-size cases). Memory is sampled during the same runs,
        // after a full collection so that garbage from earlier scenarios does not count.
        int repeats = frames * model.Config.Dim > 500_000 ? 1 : 3;
        var walls = new double[repeats];
        var networks = new double[repeats];
        int forwards = 0;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var (managedPeak, residentPeak) = MachineProbe.Peaks(() =>
        {
            for (int r = 0; r < repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                using var run = generator.Start([request], new GenerationOptions { Seed = 1 });
                while (!run.IsDone) run.Step();
                walls[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                networks[r] = run.NetworkTime.TotalSeconds;
                forwards = run.TotalSteps;
            }
        });
        int median = Array.IndexOf(walls, walls.Order().ElementAt(repeats / 2));
        double wall = walls[median], network = networks[median];
        double perForward = network / forwards;
        double flops = Roofline.TransformerFlops(model.Config, frames);
        string name = int8 ? model.Name + "-int8" : model.Name;
        string tag = $"threads={threads}";
        yield return new("maskgit", name, seconds, "wall time", wall, "s", $"{forwards} forward passes, {tag}, median of {repeats}");
        yield return new("maskgit", name, seconds, "real-time factor", seconds / wall, "× real time", tag);
        yield return new("maskgit", name, seconds, "loop overhead", wall / network, "wall / Σ Run", tag);
        yield return new("maskgit", name, seconds, "forward time", perForward, "s", "combiner + transformer, mean over the run");
        if (!int8) // against the float32 MatMul ceiling, a fraction of an int8 forward would compare unlike kernels
            yield return new("maskgit", name, seconds, "roofline fraction", flops / perForward / 1e9 / ceilingGflops, "of matmul ceiling",
                $"{flops / 1e9:F1} GFLOP per forward vs {ceilingGflops:F0} GFLOP/s");
        const string how = "sampled every 20 ms during the timed runs (process-wide: includes the loaded sessions and weights)";
        yield return new("maskgit", name, seconds, "peak managed heap", managedPeak / 1048576.0, "MiB", how);
        yield return new("maskgit", name, seconds, "peak resident set", residentPeak / 1048576.0, "MiB", how);
    }

    public static double WallTime(ScenarioSettings s, BenchmarkModel model, double seconds, int threads)
    {
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        using var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory));
        using var generator = new SoundStormGenerator(package, BenchmarkSessions.Settings(threads));
        generator.Generate(Request(model, Math.Min(frames, 50)));
        long start = Stopwatch.GetTimestamp();
        generator.Generate(Request(model, frames), new GenerationOptions { Seed = 1 });
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static GenerationRequest Request(BenchmarkModel model, int frames)
    {
        var rng = new Random(frames);
        var semantic = new long[frames];
        for (int i = 0; i < frames; i++) semantic[i] = rng.Next(model.Config.SemanticVocab);
        return new GenerationRequest(semantic);
    }
}
