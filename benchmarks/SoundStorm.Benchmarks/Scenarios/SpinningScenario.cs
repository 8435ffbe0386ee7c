using System.Diagnostics;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// One generation (3 s prompt, the model's own sampler: MaskGIT's default schedule, or the seed's fast skip-4 sampler)
/// with ONNX Runtime's threads sleeping between operators (<see cref="SessionSettings.SpinningThreads"/> false, the
/// default) against spinning, two generators open at once and timed alternately: wall time, time inside ONNX Runtime,
/// and the ratios.
/// </summary>
internal static class SpinningScenario
{
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, int threads = 2)
    {
        using var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory));
        var sleeping = BenchmarkSessions.Settings(threads);
        var spinning = BenchmarkSessions.Settings(threads);
        spinning.SpinningThreads = true;
        using var quiet = new SoundStormGenerator(package, sleeping);
        using var busy = new SoundStormGenerator(package, spinning);
        var request = RandomRequests.WithPrompt(model, (int)((s.Smoke ? 0.5 : 3) * ScenarioSettings.FrameRate), (int)(seconds * ScenarioSettings.FrameRate));
        var options = new GenerationOptions { Seed = 1, DiffusionSkipSteps = 4 };
        var network = new Dictionary<SoundStormGenerator, List<double>> { [quiet] = [], [busy] = [] };
        double Time(SoundStormGenerator generator)
        {
            long start = Stopwatch.GetTimestamp();
            using var run = generator.Start([request], options);
            while (!run.IsDone) run.Step();
            network[generator].Add(run.NetworkTime.TotalSeconds);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        int pairs = s.Smoke ? 1 : 3;
        var (sleepingWall, spinningWall) = AlternatingTimes.Medians(() => Time(quiet), () => Time(busy), pairs);
        double Median(List<double> v) => v.Skip(1).Order().ElementAt(pairs / 2); // the first was the warm-up
        double sleepingNetwork = Median(network[quiet]), spinningNetwork = Median(network[busy]);
        string how = $"3 s prompt, threads={threads}, alternating, median of {pairs}";
        yield return new("spinning", model.Name, seconds, "wall time, threads sleep (default)", sleepingWall, "s", how);
        yield return new("spinning", model.Name, seconds, "wall time, threads spin", spinningWall, "s", how);
        yield return new("spinning", model.Name, seconds, "time in ONNX Runtime, threads sleep", sleepingNetwork, "s", how);
        yield return new("spinning", model.Name, seconds, "time in ONNX Runtime, threads spin", spinningNetwork, "s", how);
        yield return new("spinning", model.Name, seconds, "outside ONNX Runtime, sleep / spin", (sleepingWall - sleepingNetwork) / (spinningWall - spinningNetwork), "×", "the sampler between graph calls");
        yield return new("spinning", model.Name, seconds, "wall time, sleep / spin", sleepingWall / spinningWall, "×", "same run");
    }
}
