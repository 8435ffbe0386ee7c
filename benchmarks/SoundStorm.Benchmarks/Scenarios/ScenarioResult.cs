using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>One measured figure: which scenario, model and duration it belongs to, its value and unit, and how it was obtained.</summary>
internal sealed record ScenarioResult(string Scenario, string Model, double AudioSeconds, string Metric, double Value, string Unit, string Note = "");

/// <summary>Settings of one run of the scenario runner.</summary>
internal sealed record ScenarioSettings(bool Smoke, string OutputDirectory, string CacheDirectory, Action<string> Log)
{
    public IReadOnlyList<BenchmarkModel> Models =>
        (Smoke ? [BenchmarkModel.Tiny] : new[] { BenchmarkModel.Mid, BenchmarkModel.Paper }).Where(m => OnlyModels is null || OnlyModels.Contains(m.Name)).ToList();

    public IReadOnlyList<double> Durations => OnlyDurations ?? (Smoke ? [1] : [3, 10, 30]);

    /// <summary><c>--models mid,paper</c>: run only these shapes (all when null).</summary>
    public IReadOnlySet<string>? OnlyModels { get; init; }

    /// <summary><c>--durations 10</c>: run only these audio lengths in seconds (all when null).</summary>
    public IReadOnlyList<double>? OnlyDurations { get; init; }

    /// <summary><c>--maskgit-only</c>: skip the autoregressive baseline and the thread-count case (the long parts of a run).</summary>
    public bool MaskGitOnly { get; init; }

    /// <summary>Frames per second of the token streams (50 Hz: 16 kHz audio, hop 320).</summary>
    public const int FrameRate = 50;
}
