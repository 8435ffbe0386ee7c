using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>One measured figure: which scenario, model and duration it belongs to, its value and unit, and how it was obtained.</summary>
internal sealed record ScenarioResult(string Scenario, string Model, double AudioSeconds, string Metric, double Value, string Unit, string Note = "");

/// <summary>Settings of one run of the scenario runner.</summary>
internal sealed record ScenarioSettings(bool Smoke, string OutputDirectory, string CacheDirectory, Action<string> Log)
{
    public IReadOnlyList<BenchmarkModel> Models => Smoke ? [BenchmarkModel.Tiny] : [BenchmarkModel.Mid, BenchmarkModel.Paper];

    public IReadOnlyList<double> Durations => Smoke ? [1] : [3, 10, 30];

    /// <summary>Frames per second of the token streams (50 Hz: 16 kHz audio, hop 320).</summary>
    public const int FrameRate = 50;
}
