using System.Globalization;
using SoundStorm.Benchmarks.Scenarios;

namespace SoundStorm.Benchmarks.Tests;

/// <summary>
/// The scenario runner's smoke mode (tiny model, one short duration): the harness runs end to end and writes a
/// complete table, CSV and plot. Correctness of the harness only — no timing is asserted.
/// </summary>
public sealed class ScenarioRunnerSmokeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Smoke_run_writes_every_scenario_with_finite_positive_figures()
    {
        var log = new List<string>();
        var results = ScenarioRunner.Run(new ScenarioSettings(true, _temp.Sub("out"), _temp.Sub("cache"), log.Add));

        foreach (string scenario in new[] { "machine", "model", "maskgit", "int8 forward", "int8 forms", "attention", "autoregressive", "threads" })
            Assert.Contains(results, r => r.Scenario == scenario);
        foreach (string metric in new[] { "wall time", "loop overhead", "roofline fraction", "peak resident set", "fused speed-up", "weight-streaming bound per step", "MaskGIT speed-up (measured)", "MaskGIT speed-up (roofline)", "int8 / float32 forward time" })
            Assert.Contains(results, r => r.Metric == metric);
        Assert.All(results, r => Assert.True(double.IsFinite(r.Value) && r.Value > 0, $"{r.Scenario}/{r.Metric} = {r.Value}"));

        // Loop overhead is wall / time in ONNX Runtime: never below 1.
        Assert.All(results.Where(r => r.Metric == "loop overhead"), r => Assert.True(r.Value >= 1));

        var csv = File.ReadAllLines(Path.Combine(_temp.Sub("out"), "scenarios.csv"));
        Assert.Equal(results.Count + 1, csv.Length);
        Assert.Equal(results[0].Value.ToString("G6", CultureInfo.InvariantCulture), csv[1].Split(',')[4]);
        string md = File.ReadAllText(Path.Combine(_temp.Sub("out"), "scenarios.md"));
        Assert.Contains("smoke mode", md);
        Assert.Equal(results.Count, md.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| scenario", StringComparison.Ordinal)));
        var png = File.ReadAllBytes(Path.Combine(_temp.Sub("out"), "maskgit-vs-ar.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(results.Count, log.Count);
    }

    [Fact]
    public void Spinning_smoke_run_writes_both_settings_and_their_ratios()
    {
        var results = ScenarioRunner.RunSpinning(new ScenarioSettings(true, _temp.Sub("out"), _temp.Sub("cache"), _ => { }));

        foreach (string metric in new[] { "wall time, threads sleep (default)", "wall time, threads spin", "time in ONNX Runtime, threads sleep",
                     "time in ONNX Runtime, threads spin", "outside ONNX Runtime, sleep / spin", "wall time, sleep / spin" })
            Assert.Contains(results, r => r.Scenario == "spinning" && r.Metric == metric);
        Assert.All(results, r => Assert.True(double.IsFinite(r.Value) && r.Value > 0, $"{r.Scenario}/{r.Metric} = {r.Value}"));
        // Time inside ONNX Runtime is part of the wall time.
        double Value(string metric) => results.Single(r => r.Metric == metric).Value;
        Assert.True(Value("time in ONNX Runtime, threads sleep") < Value("wall time, threads sleep (default)"));
        Assert.True(File.Exists(Path.Combine(_temp.Sub("out"), "spinning.md")));
    }
}
