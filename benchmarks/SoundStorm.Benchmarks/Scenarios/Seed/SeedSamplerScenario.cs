using System.Diagnostics;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios.Seed;

/// <summary>
/// The seed family's discrete-diffusion samplers on a 3 s prompt and a 10 s target: wall time, the time inside ONNX
/// Runtime, and the share of the wall time spent outside it (the C# sampler: posteriors, truncation, Gumbel draws).
/// </summary>
internal static class SeedSamplerScenario
{
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, int threads = 2)
    {
        double promptSeconds = s.Smoke ? 0.5 : 3;
        var request = RandomRequests.WithPrompt(model, (int)(promptSeconds * ScenarioSettings.FrameRate), (int)(seconds * ScenarioSettings.FrameRate));
        var walls = new Dictionary<(bool Int8, int Skip), double>();
        foreach (bool int8 in new[] { false, true })
        {
            using var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory, int8));
            using var generator = new SoundStormGenerator(package, BenchmarkSessions.Settings(threads));
            generator.Generate(RandomRequests.WithPrompt(model, 10, 20), new GenerationOptions { DiffusionSkipSteps = 24 }); // warm-up
            string weights = int8 ? "int8" : "float32";
            foreach (var (sampler, skip) in new[] { ("fast, skip 4", 4), ("purity", 0) })
            {
                int repeats = s.Smoke ? 1 : skip > 0 ? 3 : 1;
                var measured = new List<(double Wall, double Network, int Calls)>();
                for (int r = 0; r < repeats; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    using var run = generator.Start([request], new GenerationOptions { Seed = 1, DiffusionSkipSteps = skip });
                    while (!run.IsDone) run.Step();
                    measured.Add((Stopwatch.GetElapsedTime(start).TotalSeconds, run.NetworkTime.TotalSeconds, run.TotalSteps));
                }
                var (wall, network, calls) = measured.OrderBy(m => m.Wall).ElementAt(repeats / 2);
                walls[(int8, skip)] = wall;
                string name = $"{sampler}, {weights}";
                string tag = $"{calls} network calls, {promptSeconds} s prompt, threads={threads}, median of {repeats}";
                yield return new("seed", model.Name, seconds, $"{name}: wall time", wall, "s", tag);
                yield return new("seed", model.Name, seconds, $"{name}: time in ONNX Runtime", network, "s", tag);
                yield return new("seed", model.Name, seconds, $"{name}: share outside ONNX Runtime", 1 - network / wall, "of wall time", tag);
                if (int8) yield return new("seed", model.Name, seconds, $"{sampler}: int8 / float32 wall time", wall / walls[(false, skip)], "×", "same random weights, same run");
            }
        }
    }
}
