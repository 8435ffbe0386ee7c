using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cluster;
using SoundStorm.Onnx;
using SoundStorm.Tests.Shared.LocalCluster;

namespace SoundStorm.Cluster.Benchmarks;

/// <summary>
/// The Cluster sample on this machine: redis-server and 1, 2, 3 silo processes on 127.0.0.1, each with the default
/// model, sent one-second clips by a client in this process. Measures requests/s and latency percentiles per silo
/// count, and what a call through the cluster costs over the same request run in-process. Writes cluster.md and
/// cluster.csv.
/// </summary>
internal static class ClusterScenario
{
    private sealed record ScenarioResult(string Scenario, string Model, double AudioSeconds, string Metric, double Value, string Unit, string Note = "");

    private const int Warmup = 4;

    public static void Run(string package, string outputDirectory, int requests, Action<string> log)
    {
        var results = new List<ScenarioResult>();
        var clock = Stopwatch.StartNew();
        var clip = Clip(package);
        using var redis = RedisServer.Start();

        using var pipeline = SoundStormPipeline.Load(package, SiloModel.ServingOptions());
        foreach (int silos in new[] { 1, 2, 3 })
        {
            string clusterId = $"bench-{silos}-{Guid.NewGuid():N}";
            var started = Enumerable.Range(0, silos)
                .Select(_ => SiloProcess.Start(redis.Address, clusterId, ["--model", package], TimeSpan.FromMinutes(3))).ToList();
            try
            {
                using var host = ClientHost.Build(redis.Address, clusterId, TimeSpan.FromMinutes(2));
                host.StartAsync().GetAwaiter().GetResult();
                var client = new RetryingSpeechClient(ClientHost.Client(host));
                if (silos == 1) results.AddRange(Overhead(pipeline, client, clip, requests));
                // Enough calls in flight to fill every silo's running slots, without queueing past them.
                int concurrency = 2 * silos;
                var wall = Stopwatch.StartNew();
                var run = Latencies(client, clip, requests, concurrency);
                double seconds = wall.Elapsed.TotalSeconds;
                results.Add(new("cluster", $"{silos} silo(s)", 1, "requests/s", requests / seconds, "1/s", $"{requests} calls, {concurrency} in flight"));
                results.Add(new("cluster", $"{silos} silo(s)", 1, "latency p50", run.Median * 1000, "ms", ""));
                results.Add(new("cluster", $"{silos} silo(s)", 1, "latency p95", run.P95 * 1000, "ms", ""));
                results.Add(new("cluster", $"{silos} silo(s)", 1, "retried calls", run.Retried, "calls", "refused by a full silo and sent again"));
                host.StopAsync().GetAwaiter().GetResult();
            }
            finally
            {
                foreach (var silo in started) silo.Dispose();
            }
            foreach (var r in results.Skip(results.Count - 4)) log($"[{clock.Elapsed:mm\\:ss}] {r.Model} {r.Metric}: {r.Value:G4} {r.Unit}");
        }
        Write(outputDirectory, results, clock.Elapsed, requests);
    }

    private static AudioClip Clip(string package)
    {
        string root = Path.GetFullPath(Path.Combine(package, "..", ".."));
        var speech = AudioClip.ReadWav(Path.Combine(root, "samples", "audio", "allison-en-new-extension.wav"));
        return new AudioClip(speech.ToMono()[..speech.SampleRate], speech.SampleRate);
    }

    private static ResynthesisRequest Request(AudioClip clip, ulong seed) =>
        new() { Source = clip.ToMono(), SourceSampleRate = clip.SampleRate, Seed = seed };

    // The same request, one call at a time, alternately in this process and through the one silo, so that both
    // sides of each pair see the same load on a shared machine; the overhead is the median of the pairs' differences.
    private static IEnumerable<ScenarioResult> Overhead(SoundStormPipeline pipeline, RetryingSpeechClient client, AudioClip clip, int pairs)
    {
        var direct = new List<double>();
        var cluster = new List<double>();
        for (int i = 0; i < Warmup + pairs; i++)
        {
            var watch = Stopwatch.StartNew();
            Task.Run(async () =>
            {
                var request = await pipeline.CreateRequestAsync(clip, null, 1);
                await foreach (var _ in pipeline.GenerateStreamingAsync(request)) { }
            }).GetAwaiter().GetResult();
            double d = watch.Elapsed.TotalSeconds;
            watch.Restart();
            client.ResynthesizeAsync(Request(clip, 1)).GetAwaiter().GetResult();
            double c = watch.Elapsed.TotalSeconds;
            if (i < Warmup) continue;
            direct.Add(d);
            cluster.Add(c);
        }
        var differences = direct.Zip(cluster, (d, c) => c - d).ToList();
        return
        [
            new("cluster", "default", 1, "in-process call, median", Percentile(direct, 0.5) * 1000, "ms", $"SoundStormPipeline with the silo's settings, {pairs} calls"),
            new("cluster", "default", 1, "cluster call, median (1 silo, one at a time)", Percentile(cluster, 0.5) * 1000, "ms", "same request through Orleans, alternating with the in-process call"),
            new("cluster", "default", 1, "Orleans overhead per call, median of pair differences", Percentile(differences, 0.5) * 1000, "ms", "cluster − in-process, pair by pair"),
            new("cluster", "default", 1, "Orleans overhead per call, interquartile range", (Percentile(differences, 0.75) - Percentile(differences, 0.25)) * 1000, "ms", "spread of the pair differences (load noise)"),
        ];
    }

    private static (double Median, double P95, int Retried) Latencies(RetryingSpeechClient client, AudioClip clip, int requests, int concurrency)
    {
        for (int i = 0; i < Warmup; i++) client.ResynthesizeAsync(Request(clip, 1)).GetAwaiter().GetResult();
        var times = new double[requests];
        int retried = 0;
        Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var result = await client.ResynthesizeAsync(Request(clip, 1), ct);
            times[i] = watch.Elapsed.TotalSeconds;
            if (result.Attempts > 1) Interlocked.Increment(ref retried);
        }).GetAwaiter().GetResult();
        return (Percentile(times, 0.5), Percentile(times, 0.95), retried);
    }

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static void Write(string directory, List<ScenarioResult> results, TimeSpan elapsed, int requests)
    {
        Directory.CreateDirectory(directory);
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder("# Cluster scenario\n\n");
        md.AppendLine(inv, $"{Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; " +
                           $"{requests} one-second clips per case, default model, 16 first-level iterations, one thread per call; run took {elapsed.TotalMinutes:F1} min.");
        md.AppendLine();
        md.AppendLine("| case | metric | value | unit | how |");
        md.AppendLine("|---|---|---|---|---|");
        var csv = new StringBuilder("case,metric,value,unit\n");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {r.Model} | {r.Metric} | {r.Value.ToString("G4", inv)} | {r.Unit} | {r.Note} |");
            csv.AppendLine(inv, $"{r.Model},\"{r.Metric}\",{r.Value.ToString("G6", inv)},{r.Unit}");
        }
        File.WriteAllText(Path.Combine(directory, "cluster.md"), md.ToString());
        File.WriteAllText(Path.Combine(directory, "cluster.csv"), csv.ToString());
    }
}
