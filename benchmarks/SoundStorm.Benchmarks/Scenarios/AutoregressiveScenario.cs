using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Export.Baselines;
using SoundStorm.Export.Weights;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// The autoregressive baseline of the same width and depth over the flattened [T·Q] stream: the semantic prefix in
/// one prefill call, then one decode call per acoustic token with a KV cache. Decode steps are timed at three cache
/// lengths (start, middle, end of the stream, with cache tensors of that size) and the total is integrated from
/// them — decoding all T·Q tokens of 30 s would take many minutes on this machine, and the cost of a step depends
/// only on the cache length, not on the token values.
/// </summary>
internal static class AutoregressiveScenario
{
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, double maskGitWall,
        double ceilingGflops, double bandwidthGBs, int steps = 5)
    {
        var c = model.Config;
        var config = new AutoregressiveConfig
        {
            Dim = c.Dim, Layers = c.Layers, Heads = c.Heads, FeedForward = c.FeedForward,
            Codebooks = c.Codebooks, CodebookSize = c.CodebookSize, SemanticVocab = c.SemanticVocab,
        };
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        long acousticTokens = (long)frames * c.Codebooks;
        var weights = RandomWeights(config);
        long parameters = weights.Names.Sum(n => weights.Peek(n).Data.LongLength);
        using var options = new SessionOptions { IntraOpNumThreads = 2, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(AutoregressiveGraph.Build(config, weights).ToBytes(), options);

        double prefill = TimeCall(session, config, frames, 0, 1);
        var cachePoints = new[] { frames, frames + acousticTokens / 2, frames + acousticTokens - 1 };
        var stepTimes = cachePoints.Select(p => TimeCall(session, config, 1, (int)p, steps)).ToArray();
        // Trapezoid over the stream: step time grows linearly with the cache length.
        double decode = acousticTokens * ((stepTimes[0] + stepTimes[1]) / 4 + (stepTimes[1] + stepTimes[2]) / 4);
        double total = prefill + decode;

        // What the roofline predicts: a decode step must stream every weight (memory bound on a CPU), the parallel
        // model's forwards are compute bound.
        double predictedStep = 4.0 * parameters / (bandwidthGBs * 1e9);
        double predictedAr = acousticTokens * predictedStep + 2.0 * parameters * frames / (ceilingGflops * 1e9);
        int forwards = 16 + (c.Codebooks - 1);
        double predictedMaskGit = forwards * Roofline.TransformerFlops(c, frames) / (ceilingGflops * 1e9);
        string name = model.Name;
        yield return new("autoregressive", name, seconds, "prefill time", prefill, "s", $"{frames} semantic tokens in one call");
        for (int i = 0; i < 3; i++)
            yield return new("autoregressive", name, seconds, $"decode step (cache {cachePoints[i]})", stepTimes[i], "s", $"median of {steps}");
        yield return new("autoregressive", name, seconds, "wall time (integrated)", total, "s", $"{acousticTokens} decode steps from 3 measured cache lengths");
        yield return new("autoregressive", name, seconds, "MaskGIT speed-up (measured)", total / maskGitWall, "×", "AR wall / MaskGIT wall");
        yield return new("autoregressive", name, seconds, "MaskGIT speed-up (roofline)", predictedAr / predictedMaskGit, "×",
            $"AR {acousticTokens}×{4.0 * parameters / 1e9:F2} GB at {bandwidthGBs:F0} GB/s vs MaskGIT {forwards}×{Roofline.TransformerFlops(c, frames) / 1e9:F0} GFLOP at {ceilingGflops:F0} GFLOP/s");
    }

    private static double TimeCall(InferenceSession session, AutoregressiveConfig c, int chunk, int past, int repeats)
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

    private static WeightSet RandomWeights(AutoregressiveConfig c)
    {
        var rng = new Random(3);
        var set = new WeightSet("random autoregressive baseline");
        void Add(string name, params long[] shape)
        {
            long n = shape.Aggregate(1L, (a, b) => a * b);
            var data = new float[n];
            float scale = shape.Length == 2 ? 1f / MathF.Sqrt(shape[1]) : 0.05f;
            for (long i = 0; i < n; i++) data[i] = (float)(rng.NextDouble() * 2 - 1) * scale + (shape.Length == 1 && name.EndsWith("ln1.weight") ? 1 : 0);
            set.Add(name, data, shape);
        }
        Add("token_emb.weight", c.Vocabulary, c.Dim);
        for (int i = 0; i < c.Layers; i++)
        {
            foreach (var ln in new[] { "ln1", "ln2" }) { Add($"blocks.{i}.{ln}.weight", c.Dim); Add($"blocks.{i}.{ln}.bias", c.Dim); }
            foreach (var p in new[] { "query", "key", "value", "proj" }) { Add($"blocks.{i}.attn.{p}.weight", c.Dim, c.Dim); Add($"blocks.{i}.attn.{p}.bias", c.Dim); }
            Add($"blocks.{i}.mlp.0.weight", c.FeedForward, c.Dim); Add($"blocks.{i}.mlp.0.bias", c.FeedForward);
            Add($"blocks.{i}.mlp.2.weight", c.Dim, c.FeedForward); Add($"blocks.{i}.mlp.2.bias", c.Dim);
        }
        Add("norm.weight", c.Dim); Add("norm.bias", c.Dim);
        Add("head.weight", c.Vocabulary, c.Dim); Add("head.bias", c.Vocabulary);
        return set;
    }
}
