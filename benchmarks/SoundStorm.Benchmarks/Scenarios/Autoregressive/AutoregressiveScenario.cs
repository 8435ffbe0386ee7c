using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks.Scenarios.Autoregressive;

/// <summary>
/// The autoregressive baseline of the same width and depth over the flattened [T·Q] stream: the semantic prefix in
/// one prefill, then one decode step per acoustic token with a KV cache. Three tuned decoders run it: the float32
/// cache allocated once and written in place through IO binding (<see cref="SharedCacheDecoder"/>), and the int8
/// cache (<see cref="Int8CacheDecoder"/>) with float32 and with int8 weights; the Concat-grown graph they replace is
/// timed beside them at the same cache lengths. Decode steps are timed at three cache
/// lengths (start, middle, end of the stream) and the total is integrated from them — decoding all T·Q tokens of
/// 30 s would take many minutes on this machine, and the cost of a step depends only on the cache length, not on
/// the token values. Each step is set against the memory bound: the bytes it must read (every weight but the token
/// table once, and the cached keys and values) over the measured bandwidth.
/// </summary>
internal static class AutoregressiveScenario
{
    /// <summary>The rows; <paramref name="maskGitWall"/> null leaves out the measured MaskGIT comparison (runs without a MaskGIT case).</summary>
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, double? maskGitWall,
        double ceilingGflops, double bandwidthGBs, int steps = 5, double? int8MaskGitWall = null)
    {
        var c = model.Config;
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        long acousticTokens = (long)frames * c.Codebooks;
        int capacity = (int)(frames + acousticTokens);
        var baseline = ModelWriter.Run<Baseline>("autoregressive", s.CacheDirectory, model.Name, $"{capacity}");
        long parameters = baseline.Parameters, streamed = baseline.Streamed;
        using var options = DecoderThreads.SessionOptions();
        var cachePoints = new[] { frames, frames + acousticTokens / 2, frames + acousticTokens - 1 };
        double[] concatTimes;
        using (var concat = new InferenceSession(baseline.Concat, options))
            concatTimes = cachePoints.Select(p => TimeCall(concat, c, 1, (int)p, Math.Min(steps, 3))).ToArray();

        double prefill;
        double[] stepTimes;
        using (var session = new InferenceSession(baseline.SharedCache, options))
        using (var decoder = new SharedCacheDecoder(session, c.Layers, c.Heads, c.Dim, baseline.Vocabulary, Floats(baseline.Cos), Floats(baseline.Sin), capacity))
        {
            long start = Stopwatch.GetTimestamp();
            decoder.Append(new long[frames]);
            prefill = Stopwatch.GetElapsedTime(start).TotalSeconds;
            stepTimes = cachePoints.Select(p => TimeStep(decoder.Seek, decoder.Append, (int)p, steps)).ToArray();
        }

        var (int8Prefill, int8Times) = TimeInt8Decoder(baseline.Layered, options, c, baseline.Vocabulary, capacity, frames, cachePoints, steps);
        var (allInt8Prefill, allInt8Times) = TimeInt8Decoder(baseline.LayeredInt8, options, c, baseline.Vocabulary, capacity, frames, cachePoints, steps);

        // Trapezoid over the stream: step time grows linearly with the cache length.
        double Integrated(double[] times) => acousticTokens * ((times[0] + times[1]) / 4 + (times[1] + times[2]) / 4);
        double total = prefill + Integrated(stepTimes), int8Total = int8Prefill + Integrated(int8Times), allInt8Total = allInt8Prefill + Integrated(allInt8Times);

        // What the roofline predicts: a decode step must stream every weight (memory bound on a CPU), the parallel
        // model's forwards are compute bound.
        double CacheBytes(long cached) => 2.0 * 4 * c.Layers * cached * c.Dim; // keys and values, every layer
        double Int8CacheBytes(long cached) => 2.0 * c.Layers * cached * (c.Dim + 4 * c.Heads); // int8 features + a float scale per head
        // A bound some step beats is no bound: the bandwidth is the probe's or the fastest read rate a step reached, whichever is higher.
        double probe = bandwidthGBs;
        double reached = Enumerable.Range(0, 3).Max(i => Math.Max(Math.Max(
            (4.0 * streamed + CacheBytes(cachePoints[i])) / stepTimes[i],
            (4.0 * streamed + Int8CacheBytes(cachePoints[i])) / int8Times[i]),
            (baseline.StreamedInt8Bytes + Int8CacheBytes(cachePoints[i])) / allInt8Times[i])) / 1e9;
        bandwidthGBs = Math.Max(probe, reached);
        double weightBound = 4.0 * streamed / (bandwidthGBs * 1e9);
        double predictedAr = acousticTokens * weightBound + 2.0 * parameters * frames / (ceilingGflops * 1e9);
        int forwards = 16 + (c.Codebooks - 1);
        double predictedMaskGit = forwards * Roofline.TransformerFlops(c, frames) / (ceilingGflops * 1e9);
        string name = model.Name;
        yield return new("autoregressive", name, seconds, "prefill time", prefill, "s", $"{frames} semantic tokens in one call; every decoder on {DecoderThreads.Description}");
        yield return new("autoregressive", name, seconds, "prefill time, int8 cache", int8Prefill, "s", $"{frames} semantic tokens, one chunk through the cut graphs");
        yield return new("autoregressive", name, seconds, "prefill time, int8 weights and cache", allInt8Prefill, "s", $"{frames} semantic tokens, one chunk through the int8 cut graphs");
        yield return new("autoregressive", name, seconds, "read bandwidth for the bounds", bandwidthGBs, "GB/s",
            $"the higher of the probe ({probe:F1} GB/s) and the fastest step's read rate ({reached:F1} GB/s)");
        yield return new("autoregressive", name, seconds, "weight-streaming bound per step", weightBound, "s",
            $"{4.0 * streamed / 1e9:F2} GB of weights at {bandwidthGBs:F1} GB/s");
        for (int i = 0; i < 3; i++)
        {
            long cached = cachePoints[i];
            double fullBound = (4.0 * streamed + CacheBytes(cached)) / (bandwidthGBs * 1e9);
            double int8Bound = (4.0 * streamed + Int8CacheBytes(cached)) / (bandwidthGBs * 1e9);
            yield return new("autoregressive", name, seconds, $"decode step (cache {cached})", stepTimes[i], "s", $"float32 cache pre-allocated, IO binding; median of {steps}");
            yield return new("autoregressive", name, seconds, $"decode step / weight bound (cache {cached})", stepTimes[i] / weightBound, "×", "weights only");
            yield return new("autoregressive", name, seconds, $"decode step / weight + cache bound (cache {cached})", stepTimes[i] / fullBound, "×",
                $"+ {CacheBytes(cached) / 1e9:F2} GB of cached keys and values");
            yield return new("autoregressive", name, seconds, $"decode step, Concat graph (cache {cached})", concatTimes[i], "s",
                $"the cache grown by Concat; {concatTimes[i] / stepTimes[i]:F1}× the tuned step");
            yield return new("autoregressive", name, seconds, $"decode step, int8 cache (cache {cached})", int8Times[i], "s",
                $"float32 weights, int8 keys and values; median of {steps}; the float32-cache step takes {stepTimes[i] / int8Times[i]:F2}× as long");
            yield return new("autoregressive", name, seconds, $"int8-cache step / weight bound (cache {cached})", int8Times[i] / weightBound, "×", "weights only");
            yield return new("autoregressive", name, seconds, $"int8-cache step / weight + int8 cache bound (cache {cached})", int8Times[i] / int8Bound, "×",
                $"+ {Int8CacheBytes(cached) / 1e9:F2} GB of int8 keys, values and scales");
            double allInt8Bound = (baseline.StreamedInt8Bytes + Int8CacheBytes(cached)) / (bandwidthGBs * 1e9);
            yield return new("autoregressive", name, seconds, $"decode step, int8 weights and cache (cache {cached})", allInt8Times[i], "s",
                $"median of {steps}; the float32-cache step takes {stepTimes[i] / allInt8Times[i]:F2}× as long");
            yield return new("autoregressive", name, seconds, $"int8 step / weight bound (cache {cached})", allInt8Times[i] / weightBound, "×", "the float32 weights' bound");
            yield return new("autoregressive", name, seconds, $"int8 step / own weights + cache bound (cache {cached})", allInt8Times[i] / allInt8Bound, "×",
                $"{baseline.StreamedInt8Bytes / 1e9:F2} GB of int8 graphs + {Int8CacheBytes(cached) / 1e9:F2} GB of cache");
        }
        yield return new("autoregressive", name, seconds, "wall time (integrated)", total, "s", $"{acousticTokens} decode steps from 3 measured cache lengths, float32 cache");
        yield return new("autoregressive", name, seconds, "wall time (integrated), int8 cache", int8Total, "s", $"{acousticTokens} decode steps from 3 measured cache lengths");
        yield return new("autoregressive", name, seconds, "wall time (integrated), int8 weights and cache", allInt8Total, "s", $"{acousticTokens} decode steps from 3 measured cache lengths");
        if (maskGitWall is { } mask)
        {
            yield return new("autoregressive", name, seconds, "MaskGIT speed-up (measured)", total / mask, "×", "AR wall (float32 cache) / MaskGIT wall");
            yield return new("autoregressive", name, seconds, "MaskGIT speed-up over the int8-cache AR (measured)", int8Total / mask, "×", "AR wall (int8 cache) / MaskGIT wall");
        }
        if (int8MaskGitWall is { } int8Mask)
            yield return new("autoregressive", name, seconds, "int8 MaskGIT speed-up over the all-int8 AR (measured)", allInt8Total / int8Mask, "×",
                "AR wall (int8 weights and cache) / int8 MaskGIT wall");
        yield return new("autoregressive", name, seconds, "MaskGIT speed-up (roofline)", predictedAr / predictedMaskGit, "×",
            $"AR {acousticTokens}×{4.0 * streamed / 1e9:F2} GB at {bandwidthGBs:F0} GB/s vs MaskGIT {forwards}×{Roofline.TransformerFlops(c, frames) / 1e9:F0} GFLOP at {ceilingGflops:F0} GFLOP/s");
    }

    // The int8-cache decoder over one set of cut graphs: its prefill of the semantic prefix, then its steps at each cache length.
    private static (double Prefill, double[] Steps) TimeInt8Decoder(string[] paths, SessionOptions options, ModelShape c, int vocabulary, int capacity,
        int frames, long[] cachePoints, int steps)
    {
        var graphs = paths.Select(path => new InferenceSession(path, options)).ToArray();
        try
        {
            using var decoder = new Int8CacheDecoder(graphs, c.Heads, c.Dim, vocabulary, capacity);
            long start = Stopwatch.GetTimestamp();
            decoder.Append(new long[frames]);
            double prefill = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return (prefill, cachePoints.Select(p => TimeStep(decoder.Seek, decoder.Append, (int)p, steps)).ToArray());
        }
        finally
        {
            foreach (var graph in graphs) graph.Dispose();
        }
    }

    private delegate ReadOnlySpan<float> AppendTokens(ReadOnlySpan<long> tokens);

    // One-token steps at cache length `past` (set without decoding up to it: a step's cost does not depend on the values).
    private static double TimeStep(Action<int> seek, AppendTokens append, int past, int repeats)
    {
        var times = new double[repeats];
        long[] token = [0];
        for (int r = -1; r < repeats; r++)
        {
            seek(past);
            long start = Stopwatch.GetTimestamp();
            append(token);
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
    private sealed record Baseline(string Concat, string SharedCache, string[] Layered, string[] LayeredInt8, long StreamedInt8Bytes, string Cos, string Sin, long Parameters, long Streamed, int Vocabulary);

    private static float[] Floats(string file) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(file)).ToArray();
}
