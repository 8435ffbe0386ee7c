using SoundStorm.Export.Onnx;

namespace SoundStorm.Onnx.Tests.Support;

/// <summary>
/// A random-weight model small enough for fast tests, as ONNX graphs and as a float64 C# reference:
/// combiner = sum over levels of per-level embeddings (row V of each table is the mask) [+ a skip tensor];
/// transformer = (embeddings + semantic embedding [+ skip]) · head[level], zeroed at padding frames.
/// </summary>
internal sealed class TinyModel
{
    public const int Q = 3, V = 13, K = 9, D = 8;

    public TinyModel(int seed, bool withSkip = false)
    {
        var random = new Random(seed);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        Codes = new float[Q * (V + 1) * D];
        Semantic = new float[K * D];
        Heads = new float[Q * D * V];
        for (int i = 0; i < Codes.Length; i++) Codes[i] = Next();
        for (int i = 0; i < Semantic.Length; i++) Semantic[i] = Next();
        for (int i = 0; i < Heads.Length; i++) Heads[i] = Next() * 2;
        WithSkip = withSkip;
    }

    public float[] Codes { get; }     // [Q·(V+1), D]
    public float[] Semantic { get; }  // [K, D]
    public float[] Heads { get; }     // [Q, D, V]
    public bool WithSkip { get; }

    public static ModelManifest Numbers => new()
    {
        Name = "tiny",
        SampleRate = 16000,
        FrameRate = 50,
        Codebooks = Q,
        CodebookSize = V,
        SemanticVocabulary = K,
        MaskTokenId = V,
    };

    /// <summary>Writes combiner.onnx and transformer.onnx into <paramref name="folder"/>; returns their paths.</summary>
    public (string Combiner, string Transformer) WriteGraphs(string folder)
    {
        var c = new OnnxGraphBuilder("tiny_combiner");
        var tokens = c.Input("tokens", ElementType.Int64, "batch", "frames", Q);
        var offsets = c.Int64s(Enumerable.Range(0, Q).Select(q => (long)q * (V + 1)).ToArray());
        var table = c.Initializer("codes", TensorData.FromFloat(Codes, Q * (V + 1), D));
        var summed = c.ReduceSum(c.Gather(table, c.Add(tokens, offsets)), [2], keepDims: false);
        c.Output(summed, "embeddings", ElementType.Float, "batch", "frames", D);
        if (WithSkip) c.Output(c.Mul(summed, c.FloatScalar(0.5f)), "skip", ElementType.Float, "batch", "frames", D);

        var t = new OnnxGraphBuilder("tiny_transformer");
        var embeddings = t.Input("embeddings", ElementType.Float, "batch", "frames", D);
        var semantic = t.Input("semantic", ElementType.Int64, "batch", "frames");
        var padding = t.Input("padding_mask", ElementType.Bool, "batch", "frames");
        var level = t.Input("level", ElementType.Int64, 1);
        var x = t.Add(embeddings, t.Gather(t.Initializer("semantic_table", TensorData.FromFloat(Semantic, K, D)), semantic));
        if (WithSkip) x = t.Add(x, t.Input("skip", ElementType.Float, "batch", "frames", D));
        var head = t.Squeeze(t.Gather(t.Initializer("heads", TensorData.FromFloat(Heads, Q, D, V)), level), 0);
        var logits = t.Where(t.Unsqueeze(padding, 2), t.FloatScalar(0f), t.MatMul(x, head));
        t.Output(logits, "logits", ElementType.Float, "batch", "frames", V);

        string combinerPath = Path.Combine(folder, "tiny_combiner.onnx"), transformerPath = Path.Combine(folder, "tiny_transformer.onnx");
        c.Build().Save(combinerPath);
        t.Build().Save(transformerPath);
        return (combinerPath, transformerPath);
    }

    /// <summary>Builds a package folder (or zip) with this model's graphs; returns its path.</summary>
    public string WritePackage(string folder, bool zip = false)
    {
        string graphs = Path.Combine(folder, "graphs");
        Directory.CreateDirectory(graphs);
        var (combiner, transformer) = WriteGraphs(graphs);
        var builder = new ModelPackageBuilder(Numbers)
            .AddGraph(GraphNames.Combiner, combiner)
            .AddGraph(GraphNames.Transformer, transformer);
        string target = Path.Combine(folder, zip ? "package.zip" : "package");
        if (zip) builder.WriteZip(target);
        else builder.WriteFolder(target);
        return target;
    }

    /// <summary>The logits of one frame in float64 (the reference for the graphs).</summary>
    public double[] Logits(ReadOnlySpan<long> frameTokens, long semantic, int level)
    {
        var x = new double[D];
        for (int q = 0; q < Q; q++)
            for (int d = 0; d < D; d++) x[d] += Codes[(q * (V + 1) + frameTokens[q]) * D + d];
        for (int d = 0; d < D; d++)
        {
            if (WithSkip) x[d] *= 1.5;
            x[d] += Semantic[semantic * D + d];
        }
        var logits = new double[V];
        for (int v = 0; v < V; v++)
            for (int d = 0; d < D; d++) logits[v] += x[d] * Heads[(level * D + d) * V + v];
        return logits;
    }
}
