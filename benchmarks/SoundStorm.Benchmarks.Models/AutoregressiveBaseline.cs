using SoundStorm.Export.Baselines;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Quantization;
using SoundStorm.Export.Weights;

namespace SoundStorm.Benchmarks.Models;

/// <summary>
/// The autoregressive baseline of a model's width and depth with random weights: the Concat-grown graph, the tuned
/// shared-cache graph and its rotary caches for a decoder of <c>capacity</c> tokens (raw float32 files), and the same
/// network cut at every attention for the int8-cache decoder (<c>cut-i.onnx</c>).
/// </summary>
internal static class AutoregressiveBaseline
{
    public static object Write(string cache, BenchmarkModel model, int capacity)
    {
        var c = model.Config;
        var config = new AutoregressiveConfig
        {
            Dim = c.Dim, Layers = c.Layers, Heads = c.Heads, FeedForward = c.FeedForward,
            Codebooks = c.Codebooks, CodebookSize = c.CodebookSize, SemanticVocab = c.SemanticVocab,
        };
        var weights = RandomWeights(config);
        long parameters = weights.Names.Sum(n => weights.Peek(n).Data.LongLength);
        string folder = Path.Combine(cache, $"autoregressive-{model.Name}");
        Directory.CreateDirectory(folder);
        string concat = Path.Combine(folder, "concat.onnx"), shared = Path.Combine(folder, "shared-cache.onnx");
        AutoregressiveGraph.Build(config, weights).Save(concat);
        SharedCacheAutoregressiveGraph.Build(config, weights).Save(shared);
        var cuts = LayeredAutoregressiveGraphs.Build(config, weights);
        string Save(OnnxModel graph, string file)
        {
            string path = Path.Combine(folder, file);
            graph.Save(path);
            return path;
        }
        var layered = cuts.Select((graph, cut) => Save(graph, $"cut-{cut}.onnx")).ToArray();
        // Every large MatMul (projections, feed-forwards, the head) in int8, per output channel.
        var layeredInt8 = cuts.Select((graph, cut) => Save(Int8MatMuls.Quantize(graph, out _), $"cut-{cut}.int8.onnx")).ToArray();
        long tokenTable = weights.Peek("token_emb.weight").Data.LongLength;
        var (cos, sin) = SharedCacheAutoregressiveGraph.RotaryCaches(config, capacity);
        string cosFile = Path.Combine(folder, $"cos-{capacity}.f32"), sinFile = Path.Combine(folder, $"sin-{capacity}.f32");
        File.WriteAllBytes(cosFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(cos.AsSpan()).ToArray());
        File.WriteAllBytes(sinFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(sin.AsSpan()).ToArray());
        return new
        {
            Concat = concat, SharedCache = shared, Layered = layered, LayeredInt8 = layeredInt8,
            // What an int8 step reads of its graphs: everything they hold but the token table (float32 in cut 0).
            StreamedInt8Bytes = layeredInt8.Sum(path => new FileInfo(path).Length) - 4 * tokenTable,
            Cos = cosFile, Sin = sinFile, Parameters = parameters,
            // A step gathers one row of the token table; every other weight is read whole.
            Streamed = parameters - tokenTable,
            config.Vocabulary,
        };
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
