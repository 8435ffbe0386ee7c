using SoundStorm.Benchmarks.Models;
using SoundStorm.Benchmarks.Scenarios;
using SoundStorm.Benchmarks.Scenarios.Seed;

namespace SoundStorm.Benchmarks.Tests;

/// <summary>
/// The seed-sampler scenario on a tiny random seed model: both samplers, float32 and int8, run through real graphs and every figure is
/// consistent (the time inside ONNX Runtime is part of the wall time). Harness correctness only — no timing is asserted.
/// </summary>
public sealed class SeedScenarioSmokeTests
{
    [Fact]
    public void Both_samplers_report_wall_network_and_outside_share()
    {
        using var temp = new TempFolder();
        var settings = new ScenarioSettings(true, temp.Sub("out"), temp.Sub("cache"), _ => { });
        Directory.CreateDirectory(settings.CacheDirectory);
        var rows = SeedSamplerScenario.Run(settings, BenchmarkModel.SeedTiny, 1).ToList();

        foreach (string sampler in new[] { "fast, skip 4, float32", "purity, float32", "fast, skip 4, int8", "purity, int8" })
        {
            double wall = rows.Single(r => r.Metric == $"{sampler}: wall time").Value;
            double network = rows.Single(r => r.Metric == $"{sampler}: time in ONNX Runtime").Value;
            double outside = rows.Single(r => r.Metric == $"{sampler}: share outside ONNX Runtime").Value;
            Assert.InRange(network, double.Epsilon, wall);
            Assert.Equal(1 - network / wall, outside, 12);
        }
        foreach (string sampler in new[] { "fast, skip 4", "purity" })
            Assert.True(rows.Single(r => r.Metric == $"{sampler}: int8 / float32 wall time").Value > 0);
    }
}
