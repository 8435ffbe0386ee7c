using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks;

/// <summary>
/// Work counts for one forward pass (multiply-add = 2 FLOPs) and the machine's measured matmul ceiling, so a forward's
/// time can be stated as a fraction of what this machine's matrix kernels reach.
/// </summary>
internal static class Roofline
{
    /// <summary>FLOPs of one transformer forward over <paramref name="frames"/> frames (one level's head).</summary>
    public static double TransformerFlops(ModelShape c, int frames)
    {
        double t = frames, d = c.Dim, f = c.FeedForward;
        double perLayer = 8 * t * d * f        // two macaron feed-forwards, two matmuls each
            + 8 * t * d * d                    // q, k, v, output projections
            + 4 * t * t * d                    // scores and attention-weighted values
            + 6 * t * d * d                    // conv module pointwise layers (D→2D, D→D)
            + 2 * t * d * c.ConvKernel;        // depthwise convolution
        return c.Layers * perLayer + 2 * t * d * c.CodebookSize;
    }

    /// <summary>Minimum bytes a forward must move: every weight once plus the input and output activations.</summary>
    public static double TransformerBytes(ModelShape c, long parameters, int frames) =>
        4.0 * (parameters + (double)frames * (c.Dim + c.CodebookSize));

    /// <summary>
    /// Median GFLOP/s of an ONNX Runtime MatMul [rows × inner]·[inner × cols] — the kernel the transformer's time is
    /// spent in — measured now, in this process, with the given thread count (the model writer writes the graph into
    /// <paramref name="cache"/>).
    /// </summary>
    public static double MeasureMatMulCeiling(string cache, int rows, int inner, int cols, int threads, int repeats = 7)
    {
        string graph = ModelWriter.Run<ModelWriter.Written>("matmul", cache, $"{rows}", $"{inner}", $"{cols}").Path;
        return 2.0 * rows * inner * cols / MedianSeconds([graph], rows, inner, cols, threads, GraphOptimizationLevel.ORT_ENABLE_ALL, repeats)[0] / 1e9;
    }

    /// <summary>
    /// Median seconds of one run of each of <paramref name="graphs"/> (files), graphs from input <c>a</c> [rows × inner]
    /// (uniform random values in [−1, 1)) to output <c>c</c> [rows × cols]. The models run in turn within each
    /// repeat, so a load that drifts during the measurement falls on all of them alike; two warm-up rounds first.
    /// </summary>
    public static double[] MedianSeconds(IReadOnlyList<string> graphs, int rows, int inner, int cols, int threads, GraphOptimizationLevel level, int repeats = 7)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = level };
        var sessions = graphs.Select(g => new InferenceSession(g, options)).ToArray();
        try
        {
            var rng = new Random(2);
            var input = new float[rows * inner];
            for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 2 - 1);
            using var value = OrtValue.CreateTensorValueFromMemory(input, new long[] { rows, inner });
            using var output = OrtValue.CreateTensorValueFromMemory(new float[rows * cols], new long[] { rows, cols });
            using var run = new RunOptions();
            var times = new double[graphs.Count, repeats];
            for (int r = -2; r < repeats; r++) // two warm-up rounds
                for (int m = 0; m < sessions.Length; m++)
                {
                    long start = Stopwatch.GetTimestamp();
                    sessions[m].Run(run, ["a"], [value], ["c"], [output]);
                    if (r >= 0) times[m, r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
            return Enumerable.Range(0, graphs.Count).Select(m => Enumerable.Range(0, repeats).Select(r => times[m, r]).Order().ElementAt(repeats / 2)).ToArray();
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }
    }
}
