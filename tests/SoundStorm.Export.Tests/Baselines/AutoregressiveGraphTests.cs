using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Scenarios.Autoregressive;
using SoundStorm.Export.Baselines;

namespace SoundStorm.Export.Tests.Baselines;

/// <summary>
/// The autoregressive baseline: decoding with the KV cache (prefill, then one token at a time) gives the logits of
/// a float64 full-sequence causal forward at every position — with the Concat-grown cache, and with the pre-allocated
/// cache written in place through IO binding.
/// </summary>
public class AutoregressiveGraphTests
{
    private static readonly AutoregressiveConfig Config = AutoregressiveReference.Config;
    private static readonly long[][] Chunks = AutoregressiveReference.Chunks;

    [Fact]
    public void Cached_decoding_matches_a_float64_causal_forward()
    {
        var w = AutoregressiveReference.Weights();
        var expected = AutoregressiveReference.ReferenceLogits(w, AutoregressiveReference.Sequence); // [N, Vocabulary]
        var model = AutoregressiveGraph.Build(Config, w.Set);
        string path = Path.Combine(Path.GetTempPath(), $"ar-{Guid.NewGuid():N}.onnx");
        model.Save(path);
        try { OnnxChecker.Check(path); } finally { File.Delete(path); }
        var logits = ConcatGraphLogits(model);
        int position = 0;
        for (int step = 0; step < Chunks.Length; step++)
        {
            position += Chunks[step].Length;
            Compare.Close(logits[step], AutoregressiveReference.ExpectedRow(expected, position), 1e-5);
        }
        Assert.Equal(AutoregressiveReference.Sequence.Length, position);
    }

    [Fact]
    public void Shared_cache_decoding_equals_the_concat_graph_and_a_float64_causal_forward()
    {
        var c = Config;
        var w = AutoregressiveReference.Weights();
        var expected = AutoregressiveReference.ReferenceLogits(w, AutoregressiveReference.Sequence);
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
            Compare.Close(logits, AutoregressiveReference.ExpectedRow(expected, position), 1e-5);
        }
        var e = Assert.Throws<InvalidOperationException>(() => decoder.Append(new long[] { 1, 2, 3, 4 }));
        Assert.Contains("holds 11 tokens: 8 cached + 4 new", e.Message);
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
}
