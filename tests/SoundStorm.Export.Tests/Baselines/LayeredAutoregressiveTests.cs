using System.Runtime.Intrinsics.X86;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Scenarios.Autoregressive;
using SoundStorm.Export.Baselines;
using SoundStorm.Export.Onnx.Quantization;

namespace SoundStorm.Export.Tests.Baselines;

/// <summary>
/// The autoregressive baseline cut at every attention: its graphs, given an exact attention between them, give the
/// float64 causal forward's logits; decoding them with the int8 key/value cache stays within int8 error of those
/// logits and picks the same next token, with the AVX-VNNI kernel and the portable one alike, and with int8 weights too.
/// </summary>
public class LayeredAutoregressiveTests
{
    private static readonly AutoregressiveConfig Config = AutoregressiveReference.Config;

    [Fact]
    public void The_cut_graphs_with_exact_attention_between_them_give_the_float64_forward()
    {
        var c = Config;
        var w = AutoregressiveReference.Weights();
        var expected = AutoregressiveReference.ReferenceLogits(w, AutoregressiveReference.Sequence);
        var graphs = LayeredAutoregressiveGraphs.Build(c, w.Set);
        Assert.Equal(c.Layers + 1, graphs.Count);
        foreach (var graph in graphs)
        {
            string path = Path.Combine(Path.GetTempPath(), $"ar-layered-{Guid.NewGuid():N}.onnx");
            graph.Save(path);
            try { OnnxChecker.Check(path); } finally { File.Delete(path); }
        }
        var sessions = graphs.Select(g => new InferenceSession(g.ToBytes())).ToArray();
        try
        {
            var keys = Enumerable.Range(0, c.Layers).Select(_ => new List<float[]>()).ToArray();
            var values = Enumerable.Range(0, c.Layers).Select(_ => new List<float[]>()).ToArray();
            int position = 0;
            foreach (var chunk in AutoregressiveReference.Chunks)
            {
                var feeds = new Dictionary<string, OrtValue> { ["tokens"] = OrtValue.CreateTensorValueFromMemory(chunk, [1, chunk.Length]) };
                float[] logits = [];
                for (int cut = 0; cut <= c.Layers; cut++)
                {
                    var session = sessions[cut];
                    if (session.InputNames.Contains("position")) feeds["position"] = OrtValue.CreateTensorValueFromMemory(new long[] { position }, []);
                    using var outputs = session.Run(new RunOptions(), session.InputNames.ToList(), session.InputNames.Select(n => feeds[n]).ToList(), session.OutputNames);
                    foreach (var v in feeds.Values) v.Dispose();
                    feeds.Clear();
                    var named = session.OutputNames.Select((n, i) => (n, outputs[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary();
                    if (cut == c.Layers) { logits = named["logits"]; break; }
                    for (int s = 0; s < chunk.Length; s++)
                    {
                        keys[cut].Add(named["key"].AsSpan(s * c.Dim, c.Dim).ToArray());
                        values[cut].Add(named["value"].AsSpan(s * c.Dim, c.Dim).ToArray());
                    }
                    var attention = ExactAttention(named["query"], keys[cut], values[cut], position, chunk.Length);
                    feeds["hidden_in"] = OrtValue.CreateTensorValueFromMemory(named["hidden"], [1, chunk.Length, c.Dim]);
                    feeds["attention"] = OrtValue.CreateTensorValueFromMemory(attention, [1, chunk.Length, c.Dim]);
                }
                position += chunk.Length;
                Compare.Close(new DTensor(logits.Select(v => (double)v).ToArray(), 1, c.Vocabulary), AutoregressiveReference.ExpectedRow(expected, position), 1e-5);
            }
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
    }

    [Fact]
    public void Int8_cache_decoding_stays_near_the_float64_forward_and_picks_its_tokens()
    {
        var c = Config;
        var w = AutoregressiveReference.Weights();
        var expected = AutoregressiveReference.ReferenceLogits(w, AutoregressiveReference.Sequence);
        var sessions = LayeredAutoregressiveGraphs.Build(c, w.Set).Select(g => new InferenceSession(g.ToBytes())).ToArray();
        try
        {
            var runs = new List<List<float[]>>();
            foreach (bool vnni in AvxVnni.IsSupported ? new[] { false, true } : new[] { false })
            {
                using var decoder = new Int8CacheDecoder(sessions, c.Heads, c.Dim, c.Vocabulary, capacity: 11) { Vnni = vnni };
                var logits = new List<float[]>();
                int position = 0;
                foreach (var chunk in AutoregressiveReference.Chunks)
                {
                    logits.Add(decoder.Append(chunk).ToArray());
                    position += chunk.Length;
                    Assert.Equal(position, decoder.Length);
                    var row = AutoregressiveReference.ExpectedRow(expected, position).Data;
                    double error = RelativeError(logits[^1], row);
                    // int8 keys, values, queries and weights: about 1 % in the attention; the logits move less.
                    Assert.True(error < 0.01, $"step ending at {position}: relative error {error:E2} against float64");
                    Assert.Equal(Array.IndexOf(row, row.Max()), Array.IndexOf(logits[^1], logits[^1].Max()));
                }
                var e = Assert.Throws<InvalidOperationException>(() => decoder.Append(new long[] { 1, 2, 3, 4 }));
                Assert.Contains("holds 11 tokens: 8 cached + 4 new", e.Message);
                runs.Add(logits);
            }
            for (int step = 0; step < runs[0].Count; step++)
                Assert.True(runs[0][step].AsSpan().SequenceEqual(runs[^1][step]), $"step {step}: the VNNI and portable kernels differ");
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
    }

    [Fact]
    public void Int8_weights_and_cache_decoding_picks_the_float64_forwards_tokens()
    {
        var c = Config;
        var w = AutoregressiveReference.Weights();
        var expected = AutoregressiveReference.ReferenceLogits(w, AutoregressiveReference.Sequence);
        // This config's matrices are small: quantise them all, as the paper-size baseline's are.
        var sessions = LayeredAutoregressiveGraphs.Build(c, w.Set)
            .Select(g => new InferenceSession(Int8MatMuls.Quantize(g, out _, new Int8Options { MinElements = 0 }).ToBytes())).ToArray();
        try
        {
            using var decoder = new Int8CacheDecoder(sessions, c.Heads, c.Dim, c.Vocabulary, capacity: 8);
            int position = 0;
            foreach (var chunk in AutoregressiveReference.Chunks)
            {
                var logits = decoder.Append(chunk).ToArray();
                position += chunk.Length;
                var row = AutoregressiveReference.ExpectedRow(expected, position).Data;
                double error = RelativeError(logits, row);
                // Per-channel int8 weights and per-tensor int8 activations on top of the int8 cache: measured 0.6 % here.
                Assert.True(error < 0.03, $"step ending at {position}: relative error {error:E2} against float64");
                Assert.Equal(Array.IndexOf(row, row.Max()), Array.IndexOf(logits, logits.Max()));
            }
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
    }

    // ‖got − expected‖ / ‖expected‖ over one row of logits.
    private static double RelativeError(float[] got, double[] expected) =>
        Math.Sqrt(got.Zip(expected, (a, b) => (a - b) * (a - b)).Sum() / expected.Sum(b => b * b));

    // Causal attention in float64 for the chunk's queries (positions P..P+S−1) over the cached keys and values.
    private static float[] ExactAttention(float[] queries, List<float[]> keys, List<float[]> values, int past, int size)
    {
        int heads = Config.Heads, dim = Config.Dim, headDim = dim / heads;
        var output = new float[size * dim];
        for (int s = 0; s < size; s++)
            for (int h = 0; h < heads; h++)
            {
                int visible = past + s + 1;
                var scores = new double[visible];
                for (int t = 0; t < visible; t++)
                {
                    for (int d = 0; d < headDim; d++) scores[t] += (double)queries[s * dim + h * headDim + d] * keys[t][h * headDim + d];
                    scores[t] /= Math.Sqrt(headDim);
                }
                double max = scores.Max(), z = 0;
                for (int t = 0; t < visible; t++) z += scores[t] = Math.Exp(scores[t] - max);
                for (int d = 0; d < headDim; d++)
                {
                    double sum = 0;
                    for (int t = 0; t < visible; t++) sum += scores[t] / z * values[t][h * headDim + d];
                    output[s * dim + h * headDim + d] = (float)sum;
                }
            }
        return output;
    }
}
