using System.Diagnostics;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Benchmarks.Scenarios.Autoregressive;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// Runs every scenario in one process — so ratios compare figures measured side by side on the same noisy machine —
/// and writes the markdown table, the CSV and the plots.
/// </summary>
internal static class ScenarioRunner
{
    public static IReadOnlyList<ScenarioResult> Run(ScenarioSettings s)
    {
        Directory.CreateDirectory(s.OutputDirectory);
        Directory.CreateDirectory(s.CacheDirectory);
        var results = new List<ScenarioResult>();
        var clock = Stopwatch.StartNew();
        void Add(IEnumerable<ScenarioResult> rows)
        {
            foreach (var row in rows)
            {
                results.Add(row);
                Log(s, clock, row);
            }
        }

        // Machine ceilings, measured first in the same process.
        int rows = s.Smoke ? 64 : 1500, inner = s.Smoke ? 64 : 1024, cols = s.Smoke ? 256 : 4096;
        double ceiling2 = Roofline.MeasureMatMulCeiling(s.CacheDirectory, rows, inner, cols, threads: 2);
        double ceiling1 = Roofline.MeasureMatMulCeiling(s.CacheDirectory, rows, inner, cols, threads: 1);
        double bandwidth = MachineProbe.MemoryBandwidth(s.Smoke ? 16 : 512);
        Add([
            new("machine", "-", 0, "matmul ceiling (2 threads)", ceiling2, "GFLOP/s", $"ORT MatMul [{rows}×{inner}]·[{inner}×{cols}], median of 7"),
            new("machine", "-", 0, "matmul ceiling (1 thread)", ceiling1, "GFLOP/s", "same MatMul"),
            new("machine", "-", 0, "memory copy bandwidth", bandwidth, "GB/s", "read + write"),
        ]);

        foreach (var model in s.Models)
        {
            Add([new("model", model.Name, 0, "parameters", model.Parameters / 1e6, "M", DescribeShape(model))]);
            foreach (double seconds in s.Durations)
            {
                // The ceiling is measured again right before each case: on a shared machine the load drifts, and the
                // roofline fraction must compare two numbers taken under the same conditions.
                double ceiling = Roofline.MeasureMatMulCeiling(s.CacheDirectory, rows, inner, cols, threads: 2);
                Add([new("machine", "-", seconds, "matmul ceiling before this case", ceiling, "GFLOP/s", model.Name)]);
                var maskGit = MaskGitScenario.Run(s, model, seconds, ceiling).ToList();
                Add(maskGit);
                // The int8 package (transformer's weight MatMuls quantised) right after, under the same load.
                var int8 = MaskGitScenario.Run(s, model, seconds, ceiling, int8: true).ToList();
                Add(int8);
                Add([new("maskgit", model.Name, seconds, "int8 / float32 forward time",
                    int8.First(r => r.Metric == "forward time").Value / maskGit.First(r => r.Metric == "forward time").Value, "×", "same weights, same run")]);
                Add(Int8ForwardScenario.Run(s, model, seconds, pairs: s.Smoke ? 2 : model.Config.Dim >= 1024 ? 5 : 9));
                if (s.MaskGitOnly) continue;
                Add(AttentionScenario.Run(s, model, seconds, Roofline.MeasureMatMulCeiling(s.CacheDirectory, rows, inner, cols, threads: 2)).ToList());
                double wall = maskGit.First(r => r.Metric == "wall time").Value, int8Wall = int8.First(r => r.Metric == "wall time").Value;
                // Decode steps read their weights and cache: their bound is the read bandwidth, measured right before.
                double read = MachineProbe.ReadBandwidth(s.Smoke ? 16 : 512);
                Add([new("machine", "-", seconds, "memory read bandwidth before this case", read, "GB/s", "2 threads summing 512 MB")]);
                Add(AutoregressiveScenario.Run(s, model, seconds, wall, ceiling, read, steps: s.Smoke ? 2 : 5, int8MaskGitWall: int8Wall));
            }
        }

        // Which int8 form of a weight MatMul runs fastest here, on the feed-forward shapes of the models run.
        foreach (var model in s.Models)
            Add(Int8FormsScenario.Run(s.CacheDirectory, model.Name, s.Smoke ? 64 : 500, model.Config.Dim, model.Config.FeedForward));
        if (s.MaskGitOnly)
        {
            ScenarioReport.Write(s, results, clock.Elapsed);
            return results;
        }

        // ONNX Runtime vs TorchSharp on the same weights: its own program, SoundStorm.Benchmarks.TorchSharp (engines.md),
        // so that this harness depends on no TorchSharp.

        // Threads 1 vs 2 on one mid-size case.
        var threadsModel = s.Smoke ? BenchmarkModel.Tiny : BenchmarkModel.Mid;
        double threadsSeconds = s.Smoke ? 1 : 10;
        double one = MaskGitScenario.WallTime(s, threadsModel, threadsSeconds, 1);
        double two = MaskGitScenario.WallTime(s, threadsModel, threadsSeconds, 2);
        Add([
            new("threads", threadsModel.Name, threadsSeconds, "wall time, 1 thread", one, "s"),
            new("threads", threadsModel.Name, threadsSeconds, "wall time, 2 threads", two, "s"),
            new("threads", threadsModel.Name, threadsSeconds, "speed-up 2 vs 1 thread", one / two, "×"),
        ]);

        ScenarioReport.Write(s, results, clock.Elapsed);
        return results;
    }

    /// <summary>
    /// Only the standard-vs-fused transformer forwards (<c>scenarios --attention</c>): mid 10 s and paper 30 s, each
    /// after a fresh MatMul ceiling; writes attention.md and attention.csv.
    /// </summary>
    public static IReadOnlyList<ScenarioResult> RunAttention(ScenarioSettings s) =>
        RunFocused(s, "attention", s.Smoke ? [(BenchmarkModel.Tiny, 1.0)] : [(BenchmarkModel.Mid, 10.0), (BenchmarkModel.Paper, 30.0)],
            (model, seconds, ceiling, _) => AttentionScenario.Run(s, model, seconds, ceiling));

    /// <summary>
    /// Only the autoregressive decode steps (<c>scenarios --autoregressive</c>): paper 30 s (caches of 1,500 to 19,500
    /// tokens) against the memory bound, after a fresh bandwidth and MatMul ceiling; writes autoregressive.md and .csv.
    /// </summary>
    public static IReadOnlyList<ScenarioResult> RunAutoregressive(ScenarioSettings s) =>
        RunFocused(s, "autoregressive", s.Smoke ? [(BenchmarkModel.Tiny, 1.0)] : [(BenchmarkModel.Paper, 30.0)],
            (model, seconds, ceiling, bandwidth) => AutoregressiveScenario.Run(s, model, seconds, null, ceiling, bandwidth, steps: s.Smoke ? 2 : 5));

    /// <summary>
    /// Only ONNX Runtime's threads sleeping against spinning between operators (<c>scenarios --spinning</c>): one
    /// generation each of mid 10 s (MaskGIT) and the seed's default size 10 s (fast skip-step sampler); writes
    /// spinning.md and .csv.
    /// </summary>
    public static IReadOnlyList<ScenarioResult> RunSpinning(ScenarioSettings s) =>
        RunFocused(s, "spinning", s.Smoke ? [(BenchmarkModel.Tiny, 1.0)] : [(BenchmarkModel.Mid, 10.0), (BenchmarkModel.SeedDefault, 10.0)],
            (model, seconds, _, _) => SpinningScenario.Run(s, model, seconds));

    private static List<ScenarioResult> RunFocused(ScenarioSettings s, string name, (BenchmarkModel Model, double Seconds)[] cases,
        Func<BenchmarkModel, double, double, double, IEnumerable<ScenarioResult>> scenario)
    {
        Directory.CreateDirectory(s.OutputDirectory);
        Directory.CreateDirectory(s.CacheDirectory);
        var clock = Stopwatch.StartNew();
        var results = new List<ScenarioResult>();
        int rows = s.Smoke ? 64 : 1500, inner = s.Smoke ? 64 : 1024, cols = s.Smoke ? 256 : 4096;
        foreach (var (model, seconds) in cases)
        {
            double ceiling = Roofline.MeasureMatMulCeiling(s.CacheDirectory, rows, inner, cols, threads: 2);
            double bandwidth = MachineProbe.ReadBandwidth(s.Smoke ? 16 : 512);
            var rowsOfCase = new List<ScenarioResult>
            {
                new("machine", "-", seconds, "matmul ceiling before this case", ceiling, "GFLOP/s", model.Name),
                new("machine", "-", seconds, "memory read bandwidth before this case", bandwidth, "GB/s", "2 threads summing 512 MB"),
            };
            rowsOfCase.AddRange(scenario(model, seconds, ceiling, bandwidth));
            foreach (var row in rowsOfCase)
            {
                results.Add(row);
                Log(s, clock, row);
            }
        }
        ScenarioReport.WriteTables(s.OutputDirectory, name, results, clock.Elapsed, s.Smoke);
        return results;
    }

    private static void Log(ScenarioSettings s, Stopwatch clock, ScenarioResult row) =>
        s.Log($"[{clock.Elapsed:mm\\:ss}] {row.Scenario}/{row.Model}/{row.AudioSeconds}s {row.Metric}: {row.Value:G4} {row.Unit}");

    private static string DescribeShape(BenchmarkModel m) =>
        $"{m.Config.Layers} layers × {m.Config.Dim}, {m.Config.Heads} heads, FF {m.Config.FeedForward}, {m.Config.Codebooks}×{m.Config.CodebookSize} codes, {m.Config.Combiner} combiner";
}
