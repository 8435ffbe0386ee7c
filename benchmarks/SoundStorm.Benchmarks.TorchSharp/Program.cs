using System.Diagnostics;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Benchmarks.Scenarios;

namespace SoundStorm.Benchmarks.TorchSharp;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/SoundStorm.Benchmarks.TorchSharp [-- --smoke] [--models mid,paper] [--threads N] [--out DIR]</c>:
/// ONNX Runtime (float32 and int8 packages) against TorchSharp (eager libtorch) on the mid-size synthetic model (or the
/// shapes named by <c>--models</c>), 10 s of audio (the tiny model, 1 s, with <c>--smoke</c>), both engines on 2 threads
/// (<c>--threads</c>: another count; 1 keeps libtorch's OpenMP barriers out of the figure on an overloaded machine); writes <c>engines.md</c> and <c>engines.csv</c> beside the scenario runner's tables.
/// With <c>--seed</c>: the seed family's default size and both diffusion samplers instead (<c>engines-seed.md/.csv</c>).
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var settings = new ScenarioSettings(args.Contains("--smoke"), BenchmarkPaths.Value(args, "--out") ?? BenchmarkPaths.ResultsDirectory,
            BenchmarkPaths.CacheDirectory, Console.WriteLine) { OnlyModels = BenchmarkPaths.Value(args, "--models")?.Split(',').ToHashSet() };
        int threads = BenchmarkPaths.Value(args, "--threads") is { } t ? int.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : 2;
        if (args.Contains("--seed")) RunSeed(settings, threads);
        else Run(settings, threads);
        Console.WriteLine($"results → {settings.OutputDirectory}");
        return 0;
    }

    /// <summary>Runs the comparison and writes its table; returns the rows.</summary>
    internal static IReadOnlyList<ScenarioResult> Run(ScenarioSettings s, int threads = 2)
    {
        Directory.CreateDirectory(s.OutputDirectory);
        Directory.CreateDirectory(s.CacheDirectory);
        var clock = Stopwatch.StartNew();
        var models = s.Smoke ? [BenchmarkModel.Tiny] : s.OnlyModels is null ? [BenchmarkModel.Mid] : s.Models;
        var results = models.SelectMany(m => EngineComparisonScenario.Run(s, m, s.Smoke ? 1 : 10, threads)).ToList();
        foreach (var row in results)
            s.Log($"[{clock.Elapsed:mm\\:ss}] {row.Scenario}/{row.Model}/{row.AudioSeconds}s {row.Metric}: {row.Value:G4} {row.Unit}");
        ScenarioReport.WriteTables(s.OutputDirectory, threads == 2 ? "engines" : $"engines-{threads}-thread", results, clock.Elapsed, s.Smoke);
        return results;
    }

    /// <summary>Runs the seed family's comparison and writes its table; returns the rows.</summary>
    internal static IReadOnlyList<ScenarioResult> RunSeed(ScenarioSettings s, int threads = 2)
    {
        Directory.CreateDirectory(s.OutputDirectory);
        Directory.CreateDirectory(s.CacheDirectory);
        var clock = Stopwatch.StartNew();
        var results = SeedEngineComparisonScenario.Run(s, s.Smoke ? "seed-tiny" : "seed-default", s.Smoke ? 1 : 10, threads).ToList();
        foreach (var row in results)
            s.Log($"[{clock.Elapsed:mm\\:ss}] {row.Scenario}/{row.Model}/{row.AudioSeconds}s {row.Metric}: {row.Value:G4} {row.Unit}");
        ScenarioReport.WriteTables(s.OutputDirectory, threads == 2 ? "engines-seed" : $"engines-seed-{threads}-thread", results, clock.Elapsed, s.Smoke);
        return results;
    }
}
