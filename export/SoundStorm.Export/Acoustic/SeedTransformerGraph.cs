using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// The seed model's transformer graph: self+cross-attention blocks with AdaLN step conditioning, U-Net up path and the
/// heads tied to the content embeddings.
/// Inputs: <c>embeddings</c> [B, T, D] and <c>skip</c> [B, D, Q, T] from the combiner; the condition — either
/// <c>cross_keys</c> and <c>cross_values</c> from <see cref="SeedConditionGraph"/> (the form <see cref="SeedGraphs"/>
/// writes) or, self-contained, <c>prompt_semantic</c> int64 [B, Tp], <c>target_semantic</c> int64 [B, Ts] and
/// <c>prompt_acoustic</c> int64 [B, Tp] (codebook 0 of the prompt); <c>padding_mask</c> bool [B, T] (true = padding
/// frame); <c>step</c> int64 [B] (diffusion step 0..99).
/// Output: <c>logits</c> float [B, T, Q, V+2] (classes 0..V+1; the mask class is not predicted).
/// </summary>
public static class SeedTransformerGraph
{
    /// <summary>Graph input and output names.</summary>
    public const string PromptSemantic = "prompt_semantic", TargetSemantic = "target_semantic", PromptAcoustic = "prompt_acoustic",
        PaddingMask = "padding_mask", Step = "step", Logits = "logits";

    /// <summary>
    /// Writes the transformer graph from weights named as the seed's <c>Text2ImageTransformer</c> state dict. With
    /// <paramref name="selfContained"/> it embeds the condition and projects its keys and values itself in every call
    /// (the form packages written before the condition graph existed have).
    /// </summary>
    public static OnnxModel Build(SeedModelConfig c, WeightSet w, string prefix = "", ModelOptions? options = null, bool selfContained = false, bool fused = false)
    {
        if (fused && selfContained) throw new ArgumentException("The fused form reads the condition graph's keys and values; it has no self-contained form.", nameof(fused));
        var g = new OnnxGraphBuilder("seed_transformer");
        var x = g.Input(SeedCombinerGraph.Embeddings, ElementType.Float, "batch", "frames", c.Dim);
        var skip = g.Input(SeedCombinerGraph.Skip, ElementType.Float, "batch", c.Dim, c.Codebooks, "frames");
        Func<int, (GraphValue Keys, GraphValue Values)> crossHeads;
        if (selfContained)
        {
            var (promptSemantic, targetSemantic, promptAcoustic) = SeedConditionGraph.Inputs(g);
            var condition = SeedConditionGraph.Embed(g, c, w, prefix, promptSemantic, targetSemantic, promptAcoustic);
            crossHeads = i => (Nn.ProjectHeads(g, condition, w, $"{prefix}blocks.{i}.attn2.key", c.Dim, c.Dim, c.Heads),
                               Nn.ProjectHeads(g, condition, w, $"{prefix}blocks.{i}.attn2.value", c.Dim, c.Dim, c.Heads));
        }
        else
        {
            long headDim = c.Dim / c.Heads;
            var keys = g.Input(SeedConditionGraph.CrossKeys, ElementType.Float, c.Layers, "batch", c.Heads, "condition_frames", headDim);
            var values = g.Input(SeedConditionGraph.CrossValues, ElementType.Float, c.Layers, "batch", c.Heads, "condition_frames", headDim);
            crossHeads = i => (g.Gather(keys, g.Int64Scalar(i)), g.Gather(values, g.Int64Scalar(i)));
        }
        var padding = g.Input(PaddingMask, ElementType.Bool, "batch", "frames");
        var step = g.Input(Step, ElementType.Int64, "batch");

        var keep = g.Unsqueeze(g.Cast(g.Not(padding), ElementType.Float), 2); // [B, T, 1]: 0 on padding frames
        var attention = fused ? new SeedFusedAttention(g, c, padding) : null;
        for (int i = 0; i < c.Layers; i++)
        {
            using var _ = g.Scope($"block{i}");
            x = Block(g, c, w, $"{prefix}blocks.{i}", x, crossHeads(i), padding, keep, step, attention);
        }

        // Up path: [B, T, D] → [B, D, 1, T] → nearest up-sample over codebooks (a broadcast) → concat with the skip.
        var column = g.Unsqueeze(g.Transpose(x, 0, 2, 1), 2);
        var up = g.Expand(column, g.Shape(skip));
        var h = SeedUNet.DoubleConv(g, g.Concat(1, skip, up), w, $"{prefix}up1.conv", 2L * c.Dim, c.Dim);

        // Tied heads: logits[b, t, q, k] = Σ_d h[b, d, q, t] · embs.q.weight[k, d] for k < V+2, one batched MatMul.
        var heads = new float[(long)c.Codebooks * c.Dim * c.OutputClasses];
        for (int q = 0; q < c.Codebooks; q++)
        {
            var table = w.Get($"{prefix}content_emb.embs.{q}.weight", c.ContentRows, c.Dim).Data;
            for (int k = 0; k < c.OutputClasses; k++)
                for (int d = 0; d < c.Dim; d++)
                    heads[((long)q * c.Dim + d) * c.OutputClasses + k] = table[(long)k * c.Dim + d];
        }
        var headWeights = g.Constant("tied_heads", TensorData.FromFloat(heads, c.Codebooks, c.Dim, c.OutputClasses));
        var logits = g.MatMul(g.Transpose(h, 0, 2, 3, 1), headWeights); // [B, Q, T, D] · [Q, D, V+2] → [B, Q, T, V+2]
        g.Output(g.Transpose(logits, 0, 2, 1, 3), Logits, ElementType.Float, "batch", "frames", c.Codebooks, c.OutputClasses);
        return g.Build(options ?? SeedGraphs.Options(c, "transformer"));
    }

    private static GraphValue Block(OnnxGraphBuilder g, SeedModelConfig c, WeightSet w, string p,
        GraphValue x, (GraphValue Keys, GraphValue Values) cross, GraphValue padding, GraphValue keep, GraphValue step, SeedFusedAttention? fused)
    {
        var selfIn = AdaLayerNorm(g, c, w, $"{p}.ln1", x, step);
        var a = fused?.Self(w, $"{p}.attn1", selfIn) ?? Nn.MultiHeadAttention(g, selfIn, selfIn, w, $"{p}.attn1", c.Dim, c.Dim, c.Heads, padding);
        x = g.Add(x, g.Mul(a, keep));
        var crossIn = AdaLayerNorm(g, c, w, $"{p}.ln1_1", x, step);
        a = fused?.Cross(w, $"{p}.attn2", crossIn, cross.Keys, cross.Values)
            ?? Nn.AttendHeads(g, Nn.ProjectHeads(g, crossIn, w, $"{p}.attn2.query", c.Dim, c.Dim, c.Heads), cross.Keys, cross.Values, w, $"{p}.attn2.proj", c.Dim, c.Heads);
        x = g.Add(x, g.Mul(a, keep));
        long hidden = (long)c.MlpHiddenTimes * c.Dim;
        var mlp = Nn.Linear(g, Nn.Gelu2(g, Nn.Linear(g, Nn.LayerNorm(g, x, w, $"{p}.ln2", c.Dim), w, $"{p}.mlp.0", c.Dim, hidden)),
            w, $"{p}.mlp.2", hidden, c.Dim);
        return g.Mul(g.Add(x, mlp), keep);
    }

    // LayerNorm without affine, then ·(1 + scale) + shift from Linear(SiLU(Embedding(step))).
    private static GraphValue AdaLayerNorm(OnnxGraphBuilder g, SeedModelConfig c, WeightSet w, string p, GraphValue x, GraphValue step)
    {
        var emb = Nn.Embedding(g, step, w, $"{p}.emb", c.TimestepRows, c.Dim);
        var film = g.Unsqueeze(Nn.Linear(g, Nn.Silu(g, emb), w, $"{p}.linear", c.Dim, 2L * c.Dim), 1); // [B, 1, 2D]
        var scale = g.Slice(film, new long[] { 0 }, new long[] { c.Dim }, new long[] { 2 });
        var shift = g.Slice(film, new long[] { c.Dim }, new long[] { 2L * c.Dim }, new long[] { 2 });
        var normalized = Nn.LayerNorm(g, x, w, p, c.Dim, 1e-5f, affine: false);
        return g.Add(g.Mul(normalized, g.Add(scale, g.FloatScalar(1f))), shift);
    }
}
