using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Scenarios;
using SoundStorm.Export.Baselines;

namespace SoundStorm.Export.Tests.Baselines;

/// <summary>
/// The autoregressive baseline: decoding with the KV cache (prefill, then one token at a time) gives the logits of
/// a float64 full-sequence causal forward at every position — with the Concat-grown cache, and with the pre-allocated
/// cache written in place through IO binding.
/// </summary>
public class AutoregressiveGraphTests
{
    private static readonly AutoregressiveConfig Config = new() { Dim = 32, Layers = 2, Heads = 2, FeedForward = 48, Codebooks = 2, CodebookSize = 7, SemanticVocab = 5 };

    private static readonly long[] Sequence = { 1, 4, 0, 9, 12, 5, 17, 6 };

    // Prefill of 5, then three one-token steps.
    private static readonly long[][] Chunks = { Sequence[..5], Sequence[5..6], Sequence[6..7], Sequence[7..] };

    [Fact]
    public void Cached_decoding_matches_a_float64_causal_forward()
    {
        var w = Weights();
        var expected = ReferenceLogits(w, Sequence); // [N, Vocabulary]
        var model = AutoregressiveGraph.Build(Config, w.Set);
        string path = Path.Combine(Path.GetTempPath(), $"ar-{Guid.NewGuid():N}.onnx");
        model.Save(path);
        try { OnnxChecker.Check(path); } finally { File.Delete(path); }
        var logits = ConcatGraphLogits(model);
        int position = 0;
        for (int step = 0; step < Chunks.Length; step++)
        {
            position += Chunks[step].Length;
            Compare.Close(logits[step], ExpectedRow(expected, position), 1e-5);
        }
        Assert.Equal(Sequence.Length, position);
    }

    [Fact]
    public void Shared_cache_decoding_equals_the_concat_graph_and_a_float64_causal_forward()
    {
        var c = Config;
        var w = Weights();
        var expected = ReferenceLogits(w, Sequence);
        var concat = ConcatGraphLogits(AutoregressiveGraph.Build(c, w.Set));
        var model = SharedCacheAutoregressiveGraph.Build(c, w.Set);
        string path = Path.Combine(Path.GetTempPath(), $"ar-shared-{Guid.NewGuid():N}.onnx");
        model.Save(path);
        try { OnnxChecker.Check(path); } finally { File.Delete(path); }
        using var session = new InferenceSession(model.ToBytes());
        var (cos, sin) = SharedCacheAutoregressiveGraph.RotaryCaches(c, 11);
        using var decoder = new SharedCacheDecoder(session, c.Layers, c.Heads, c.Dim, c.Vocabulary, cos, sin, capacity: 11);
        int position = 0;
        for (int step = 0; step < Chunks.Length; step++)
        {
            var logits = new DTensor(decoder.Append(Chunks[step]).ToArray().Select(v => (double)v).ToArray(), 1, c.Vocabulary);
            position += Chunks[step].Length;
            Assert.Equal(position, decoder.Length);
            double maxAbs = logits.Data.Zip(concat[step].Data, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxAbs <= 1e-4, $"step {step}: max |shared cache − concat| = {maxAbs:E3}");
            Compare.Close(logits, ExpectedRow(expected, position), 1e-5);
        }
        var e = Assert.Throws<InvalidOperationException>(() => decoder.Append(new long[] { 1, 2, 3, 4 }));
        Assert.Contains("holds 11 tokens: 8 cached + 4 new", e.Message);
    }

    private static DTensor ExpectedRow(DTensor expected, int position) =>
        new(expected.Data.AsSpan((position - 1) * Config.Vocabulary, Config.Vocabulary).ToArray(), 1, Config.Vocabulary);

    private static RandomWeights Weights()
    {
        var c = Config;
        var w = new RandomWeights(21);
        w.Add("token_emb.weight", 1, c.Vocabulary, c.Dim);
        for (int i = 0; i < c.Layers; i++)
        {
            w.Add($"blocks.{i}.ln1.weight", 1, c.Dim); w.Add($"blocks.{i}.ln1.bias", 0.1, c.Dim);
            foreach (var p in new[] { "query", "key", "value", "proj" }) w.Linear($"blocks.{i}.attn.{p}", c.Dim, c.Dim);
            w.Add($"blocks.{i}.ln2.weight", 1, c.Dim); w.Add($"blocks.{i}.ln2.bias", 0.1, c.Dim);
            w.Linear($"blocks.{i}.mlp.0", c.Dim, c.FeedForward); w.Linear($"blocks.{i}.mlp.2", c.FeedForward, c.Dim);
        }
        w.Add("norm.weight", 1, c.Dim); w.Add("norm.bias", 0.1, c.Dim);
        w.Linear("head", c.Dim, c.Vocabulary);
        return w;
    }

    // The Concat graph decoded chunk by chunk, each call fed the previous call's present caches: logits per chunk.
    private static List<DTensor> ConcatGraphLogits(SoundStorm.Export.Onnx.OnnxModel model)
    {
        var c = Config;
        using var session = new InferenceSession(model.ToBytes());
        int headDim = c.Dim / c.Heads;
        var cache = new Dictionary<string, (float[] Data, long[] Shape)>();
        for (int i = 0; i < c.Layers; i++)
        {
            cache[$"past_key_{i}"] = (Array.Empty<float>(), new long[] { 1, c.Heads, 0, headDim });
            cache[$"past_value_{i}"] = (Array.Empty<float>(), new long[] { 1, c.Heads, 0, headDim });
        }
        var result = new List<DTensor>();
        foreach (var chunk in Chunks)
        {
            var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(chunk, new long[] { 1, chunk.Length }) };
            var names = new List<string> { "tokens" };
            foreach (var (name, (data, shape)) in cache) { names.Add(name); inputs.Add(OrtValue.CreateTensorValueFromMemory(data, shape)); }
            using var outputs = session.Run(new RunOptions(), names, inputs, session.OutputNames);
            result.Add(OrtRunner.ToDouble(outputs[session.OutputNames.ToList().IndexOf("logits")]));
            for (int i = 0; i < c.Layers; i++)
                foreach (var kind in new[] { "key", "value" })
                {
                    var present = outputs[session.OutputNames.ToList().IndexOf($"present_{kind}_{i}")];
                    cache[$"past_{kind}_{i}"] = (present.GetTensorDataAsSpan<float>().ToArray(), present.GetTensorTypeAndShape().Shape);
                }
            foreach (var v in inputs) v.Dispose();
        }
        return result;
    }

    private static DTensor ReferenceLogits(RandomWeights w, long[] sequence)
    {
        var c = Config;
        int n = sequence.Length, hd = c.Dim / c.Heads;
        var r = w.Ref;
        var x = DTensor.Zeros(1, n, c.Dim);
        for (int t = 0; t < n; t++)
            for (int d = 0; d < c.Dim; d++) x[0, t, d] = r["token_emb.weight"][(int)sequence[t], d];
        for (int i = 0; i < c.Layers; i++)
        {
            var h = Reference.LayerNorm(x, r[$"blocks.{i}.ln1.weight"], r[$"blocks.{i}.ln1.bias"], 1e-5);
            DTensor L(string p, DTensor input) => Reference.Linear(input, r[$"blocks.{i}.{p}.weight"], r[$"blocks.{i}.{p}.bias"]);
            var q = Rotate(L("attn.query", h), c.Heads); var k = Rotate(L("attn.key", h), c.Heads); var v = L("attn.value", h);
            var merged = DTensor.Zeros(1, n, c.Dim);
            for (int head = 0; head < c.Heads; head++)
                for (int a = 0; a < n; a++)
                {
                    var s = new double[a + 1];
                    double max = double.NegativeInfinity, z = 0;
                    for (int b = 0; b <= a; b++)
                    {
                        for (int e = 0; e < hd; e++) s[b] += q[0, a, head * hd + e] * k[0, b, head * hd + e];
                        s[b] /= Math.Sqrt(hd); max = Math.Max(max, s[b]);
                    }
                    for (int b = 0; b <= a; b++) { s[b] = Math.Exp(s[b] - max); z += s[b]; }
                    for (int e = 0; e < hd; e++)
                        for (int b = 0; b <= a; b++) merged[0, a, head * hd + e] += s[b] / z * v[0, b, head * hd + e];
                }
            var attn = L("attn.proj", merged);
            for (int j = 0; j < x.Data.Length; j++) x.Data[j] += attn.Data[j];
            var m = L("mlp.2", L("mlp.0", Reference.LayerNorm(x, r[$"blocks.{i}.ln2.weight"], r[$"blocks.{i}.ln2.bias"], 1e-5)).Map(Reference.Gelu));
            for (int j = 0; j < x.Data.Length; j++) x.Data[j] += m.Data[j];
        }
        return Reference.Linear(Reference.LayerNorm(x, r["norm.weight"], r["norm.bias"], 1e-5), r["head.weight"], r["head.bias"]).Reshape(n, c.Vocabulary);
    }

    // Rotate-half rotary at absolute positions 0..n−1 with base 10000.
    private static DTensor Rotate(DTensor x, int heads)
    {
        int n = x.Shape[1], dim = x.Shape[2], hd = dim / heads, half = hd / 2;
        var y = DTensor.Zeros(x.Shape);
        for (int t = 0; t < n; t++)
            for (int h = 0; h < heads; h++)
                for (int e = 0; e < hd; e++)
                {
                    int i = e % half;
                    double angle = t * Math.Pow(10000, -2.0 * i / hd);
                    double rotated = e < half ? -x[0, t, h * hd + e + half] : x[0, t, h * hd + e - half];
                    y[0, t, h * hd + e] = x[0, t, h * hd + e] * Math.Cos(angle) + rotated * Math.Sin(angle);
                }
        return y;
    }
}
