using System.Globalization;
using SoundStorm.Benchmarks.Scenarios;

namespace SoundStorm.Benchmarks.TorchSharp.Tests;

/// <summary>
/// The engine comparison's smoke mode (tiny model, 1 s): both engines run end to end on the same weights and the
/// table is written. Correctness of the harness only — no timing is asserted.
/// </summary>
public sealed class EngineComparisonSmokeTests
{
    [Fact]
    public void Smoke_run_writes_the_engine_rows_with_finite_positive_figures()
    {
        using var temp = new TempFolder();
        var log = new List<string>();
        var results = Program.Run(new ScenarioSettings(true, temp.Sub("out"), temp.Sub("cache"), log.Add));

        Assert.All(results, r => Assert.Equal("engines", r.Scenario));
        foreach (string metric in new[] { "forward time, ONNX Runtime", "forward time, TorchSharp", "token agreement", "forward time, ONNX Runtime int8", "forward speed-up ORT int8 vs TorchSharp" })
            Assert.Contains(results, r => r.Metric == metric);
        Assert.All(results, r => Assert.True(double.IsFinite(r.Value) && r.Value > 0, $"{r.Scenario}/{r.Metric} = {r.Value}"));

        var csv = File.ReadAllLines(Path.Combine(temp.Sub("out"), "engines.csv"));
        Assert.Equal(results.Count + 1, csv.Length);
        Assert.Contains($"\",{results[0].Value.ToString("G6", CultureInfo.InvariantCulture)},", csv[1], StringComparison.Ordinal); // after the quoted metric
        Assert.Contains("smoke mode", File.ReadAllText(Path.Combine(temp.Sub("out"), "engines.md")));
        Assert.Equal(results.Count, log.Count);
    }

    [Fact]
    public void Seed_smoke_run_drives_both_engines_to_the_same_tokens()
    {
        using var temp = new TempFolder();
        var results = Program.RunSeed(new ScenarioSettings(true, temp.Sub("out"), temp.Sub("cache"), _ => { }));

        Assert.All(results, r => Assert.Equal("engines seed", r.Scenario));
        Assert.All(results, r => Assert.True(double.IsFinite(r.Value) && r.Value > 0, $"{r.Scenario}/{r.Metric} = {r.Value}"));
        // Same weights, samplers and seeds: logits equal to float rounding give the same draws (the layout mapping is right).
        foreach (string sampler in new[] { "fast, skip 4", "purity" })
        {
            var agreement = Assert.Single(results, r => r.Metric == $"{sampler}: token agreement ORT vs TorchSharp");
            Assert.True(agreement.Value >= 95, $"{sampler}: {agreement.Value} % of tokens agree");
        }
        Assert.True(File.Exists(Path.Combine(temp.Sub("out"), "engines-seed.csv")));
    }
}
