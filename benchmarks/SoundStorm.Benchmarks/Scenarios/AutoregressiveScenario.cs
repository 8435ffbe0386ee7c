using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// The autoregressive baseline of the same width and depth over the flattened [T·Q] stream: the semantic prefix in
/// one prefill call, then one decode call per acoustic token with a KV cache. Decoding runs the tuned graph
/// (<see cref="SharedCacheDecoder"/>: caches allocated once and written in place through IO binding); the
/// Concat-grown graph it replaces is timed beside it at the same cache lengths. Decode steps are timed at three cache
/// lengths (start, middle, end of the stream) and the total is integrated from them — decoding all T·Q tokens of
/// 30 s would take many minutes on this machine, and the cost of a step depends only on the cache length, not on
/// the token values. Each step is set against the memory bound: the bytes it must read (every weight but the token
/// table once, and the cached keys and values) over the measured bandwidth.
/// </summary>
internal static class AutoregressiveScenario
{
    /// <summary>The rows; <paramref name="maskGitWall"/> null leaves out the measured MaskGIT comparison (runs without a MaskGIT case).</summary>
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, double? maskGitWall,
        double ceilingGflops, double bandwidthGBs, int steps = 5)
    {
        var c = model.Config;
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        long acousticTokens = (long)frames * c.Codebooks;
        int capacity = (int)(frames + acousticTokens);
        var baseline = ModelWriter.Run<Baseline>("autoregressive", s.CacheDirectory, model.Name, $"{capacity}");
        long parameters = baseline.Parameters, streamed = baseline.Streamed;
        using var options = new SessionOptions { IntraOpNumThreads = 2, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        var cachePoints = new[] { frames, frames + acousticTokens / 2, frames + acousticTokens - 1 };
        double[] concatTimes;
        using (var concat = new InferenceSession(baseline.Concat, options))
            concatTimes = cachePoints.Select(p => TimeCall(concat, c, 1, (int)p, Math.Min(steps, 3))).ToArray();

        using var session = new InferenceSession(baseline.SharedCache, options);
        using var decoder = new SharedCacheDecoder(session, c.Layers, c.Heads, c.Dim, baseline.Vocabulary, Floats(baseline.Cos), Floats(baseline.Sin), capacity);
        long start = Stopwatch.GetTimestamp();
        decoder.Append(new long[frames]);
        double prefill = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var stepTimes = cachePoints.Select(p => TimeStep(decoder, (int)p, steps)).ToArray();
        // Trapezoid over the stream: step time grows linearly with the cache length.
        double decode = acousticTokens * ((stepTimes[0] + stepTimes[1]) / 4 + (stepTimes[1] + stepTimes[2]) / 4);
        double total = prefill + decode;

        // What the roofline predicts: a decode step must stream every weight (memory bound on a CPU), the parallel
        // model's forwards are compute bound.
        double weightBound = 4.0 * streamed / (bandwidthGBs * 1e9);
        double CacheBytes(long cached) => 2.0 * 4 * c.Layers * cached * c.Dim; // keys and values, every layer
        double predictedAr = acousticTokens * weightBound + 2.0 * parameters * frames / (ceilingGflops * 1e9);
        int forwards = 16 + (c.Codebooks - 1);
        double predictedMaskGit = forwards * Roofline.TransformerFlops(c, frames) / (ceilingGflops * 1e9);
        string name = model.Name;
        yield return new("autoregressive", name, seconds, "prefill time", prefill, "s", $"{frames} semantic tokens in one call");
        yield return new("autoregressive", name, seconds, "weight-streaming bound per step", weightBound, "s",
            $"{4.0 * streamed / 1e9:F2} GB of weights at {bandwidthGBs:F1} GB/s");
        for (int i = 0; i < 3; i++)
        {
            long cached = cachePoints[i];
            double fullBound = (4.0 * streamed + CacheBytes(cached)) / (bandwidthGBs * 1e9);
            yield return new("autoregressive", name, seconds, $"decode step (cache {cached})", stepTimes[i], "s", $"pre-allocated cache, IO binding; median of {steps}");
            yield return new("autoregressive", name, seconds, $"decode step / weight bound (cache {cached})", stepTimes[i] / weightBound, "×", "weights only");
            yield return new("autoregressive", name, seconds, $"decode step / weight + cache bound (cache {cached})", stepTimes[i] / fullBound, "×",
                $"+ {CacheBytes(cached) / 1e9:F2} GB of cached keys and values");
            yield return new("autoregressive", name, seconds, $"decode step, Concat graph (cache {cached})", concatTimes[i], "s",
                $"the cache grown by Concat; {concatTimes[i] / stepTimes[i]:F1}× the tuned step");
        }
        yield return new("autoregressive", name, seconds, "wall time (integrated)", total, "s", $"{acousticTokens} decode steps from 3 measured cache lengths");
        if (maskGitWall is { } mask) yield return new("autoregressive", name, seconds, "MaskGIT speed-up (measured)", total / mask, "×", "AR wall / MaskGIT wall");
        yield return new("autoregressive", name, seconds, "MaskGIT speed-up (roofline)", predictedAr / predictedMaskGit, "×",
            $"AR {acousticTokens}×{4.0 * streamed / 1e9:F2} GB at {bandwidthGBs:F0} GB/s vs MaskGIT {forwards}×{Roofline.TransformerFlops(c, frames) / 1e9:F0} GFLOP at {ceilingGflops:F0} GFLOP/s");
    }

    // One-token steps at cache length `past` (set without decoding up to it: a step's cost does not depend on the values).
    private static double TimeStep(SharedCacheDecoder decoder, int past, int repeats)
    {
        var times = new double[repeats];
        long[] token = [0];
        for (int r = -1; r < repeats; r++)
        {
            decoder.Seek(past);
            long start = Stopwatch.GetTimestamp();
            decoder.Append(token);
            if (r >= 0) times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }

    private static double TimeCall(InferenceSession session, ModelShape c, int chunk, int past, int repeats)
    {
        int headDim = c.Dim / c.Heads;
        var names = new List<string> { "tokens" };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(new long[chunk], [1, chunk]) };
        var cache = new float[(long)c.Heads * past * headDim];
        for (int i = 0; i < c.Layers; i++)
            foreach (var kind in new[] { "key", "value" })
            {
                names.Add($"past_{kind}_{i}");
                values.Add(OrtValue.CreateTensorValueFromMemory(cache, [1, c.Heads, past, headDim]));
            }
        try
        {
            using var run = new RunOptions();
            var times = new double[repeats];
            for (int r = -1; r < repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                using var outputs = session.Run(run, names, values, session.OutputNames);
                if (r >= 0) times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            Array.Sort(times);
            return times[repeats / 2];
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>What the model writer wrote for the baseline: the two graphs, the rotary caches, and the weight counts.</summary>
    private sealed record Baseline(string Concat, string SharedCache, string Cos, string Sin, long Parameters, long Streamed, int Vocabulary);

    private static float[] Floats(string file) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(file)).ToArray();
}
