using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// The paper family's transformer graph: frame embeddings + semantic embeddings → Conformer blocks (macaron
/// feed-forwards, rotary self-attention with key padding, depthwise convolution module) → the head of the requested
/// level only.
/// Inputs: <c>embeddings</c> float [B, T, D]; <c>semantic</c> int64 [B, T] (K = padding); <c>padding_mask</c> bool
/// [B, T] (true = padding); <c>level</c> int64 [1] (0-based RVQ level). Output: <c>logits</c> float [B, T, V].
/// </summary>
public static class PaperTransformerGraph
{
    /// <summary>Graph input and output names.</summary>
    public const string Semantic = "semantic", PaddingMask = "padding_mask", Level = "level", Logits = "logits";

    /// <summary>Writes the transformer graph.</summary>
    public static OnnxModel Build(PaperModelConfig c, WeightSet w, ModelOptions? options = null)
    {
        c.Validate();
        var g = new OnnxGraphBuilder("paper_transformer");
        var embeddings = g.Input(PaperCombinerGraph.Embeddings, ElementType.Float, "batch", "frames", c.Dim);
        var semantic = g.Input(Semantic, ElementType.Int64, "batch", "frames");
        var padding = g.Input(PaddingMask, ElementType.Bool, "batch", "frames");
        var level = g.Input(Level, ElementType.Int64, 1);

        var x = g.Add(embeddings, Nn.Embedding(g, semantic, w, "semantic_emb", c.SemanticVocab + 1, c.Dim));
        var keep = g.Unsqueeze(g.Cast(g.Not(padding), ElementType.Float), 2);
        // Computed once and added to every layer's scores: cheaper than masking the T×T matrices with Where per layer.
        var keyBias = g.Where(g.Unsqueeze(padding, 1, 2), g.FloatScalar(-1e9f), g.FloatScalar(0f)); // [B, 1, 1, T]
        var (cos, sin) = Rotary.Tables(g, x, c.Dim / c.Heads, c.RotaryBase);
        for (int i = 0; i < c.Layers; i++)
        {
            using var _ = g.Scope($"block{i}");
            x = ConformerBlock(g, c, w, $"blocks.{i}", x, keyBias, keep, cos, sin);
        }

        // Only the requested level's head runs: gather its [D, V] matrix and bias from the stacked heads.
        var stackedWeights = new float[(long)c.Codebooks * c.Dim * c.CodebookSize];
        var stackedBias = new float[(long)c.Codebooks * c.CodebookSize];
        for (int q = 0; q < c.Codebooks; q++)
        {
            var head = Nn.Transpose2D(w.Get($"heads.{q}.weight", c.CodebookSize, c.Dim).Data, c.CodebookSize, c.Dim);
            head.CopyTo(stackedWeights, (long)q * c.Dim * c.CodebookSize);
            w.Get($"heads.{q}.bias", c.CodebookSize).Data.CopyTo(stackedBias, (long)q * c.CodebookSize);
        }
        var levelIndex = g.Squeeze(level, 0);
        var headWeight = g.Gather(g.Constant("heads_weight", TensorData.FromFloat(stackedWeights, c.Codebooks, c.Dim, c.CodebookSize)), levelIndex);
        var headBias = g.Gather(g.Constant("heads_bias", TensorData.FromFloat(stackedBias, c.Codebooks, c.CodebookSize)), levelIndex);
        var logits = g.Add(g.MatMul(x, headWeight), headBias);
        g.Output(logits, Logits, ElementType.Float, "batch", "frames", c.CodebookSize);
        return g.Build(options ?? PaperGraphs.Options(c, "transformer"));
    }

    private static GraphValue ConformerBlock(OnnxGraphBuilder g, PaperModelConfig c, WeightSet w, string p,
        GraphValue x, GraphValue keyBias, GraphValue keep, GraphValue cos, GraphValue sin)
    {
        var half = g.FloatScalar(0.5f);
        x = g.Add(x, g.Mul(FeedForward(g, c, w, $"{p}.ff1", x), half));
        var attnIn = Nn.LayerNorm(g, x, w, $"{p}.attn_norm", c.Dim);
        x = g.Add(x, RotaryAttention(g, c, w, $"{p}.attn", attnIn, keyBias, cos, sin));
        x = g.Add(x, ConvModule(g, c, w, $"{p}.conv", x, keep));
        x = g.Add(x, g.Mul(FeedForward(g, c, w, $"{p}.ff2", x), half));
        return Nn.LayerNorm(g, x, w, $"{p}.final_norm", c.Dim);
    }

    // LayerNorm → Linear(D, F) → SiLU → Linear(F, D).
    private static GraphValue FeedForward(OnnxGraphBuilder g, PaperModelConfig c, WeightSet w, string p, GraphValue x)
    {
        var h = Nn.Linear(g, Nn.LayerNorm(g, x, w, $"{p}.norm", c.Dim), w, $"{p}.linear1", c.Dim, c.FeedForward);
        return Nn.Linear(g, Nn.Silu(g, h), w, $"{p}.linear2", c.FeedForward, c.Dim);
    }

    // LayerNorm → pointwise Linear(D, 2D) → GLU → (padding zeroed) depthwise Conv1d → LayerNorm → SiLU → Linear(D, D).
    private static GraphValue ConvModule(OnnxGraphBuilder g, PaperModelConfig c, WeightSet w, string p, GraphValue x, GraphValue keep)
    {
        var h = Nn.Linear(g, Nn.LayerNorm(g, x, w, $"{p}.norm", c.Dim), w, $"{p}.pointwise1", c.Dim, 2L * c.Dim);
        var value = g.Slice(h, new long[] { 0 }, new long[] { c.Dim }, new long[] { 2 });
        var gate = g.Slice(h, new long[] { c.Dim }, new long[] { 2L * c.Dim }, new long[] { 2 });
        h = g.Mul(g.Mul(value, g.Sigmoid(gate)), keep); // padding frames must not leak into neighbours through the kernel
        var channelsFirst = g.Transpose(h, 0, 2, 1);
        var conv = Nn.Conv1d(g, channelsFirst, w, $"{p}.depthwise", c.Dim, c.Dim, c.ConvKernel, ConvSpec.OneD(padding: c.ConvKernel / 2, groups: c.Dim));
        h = Nn.Silu(g, Nn.LayerNorm(g, g.Transpose(conv, 0, 2, 1), w, $"{p}.depthwise_norm", c.Dim));
        return Nn.Linear(g, h, w, $"{p}.pointwise2", c.Dim, c.Dim);
    }

    private static GraphValue RotaryAttention(OnnxGraphBuilder g, PaperModelConfig c, WeightSet w, string p,
        GraphValue x, GraphValue keyBias, GraphValue cos, GraphValue sin)
    {
        long headDim = c.Dim / c.Heads;
        GraphValue Heads(GraphValue v) => g.Transpose(g.Reshape(v, 0, 0, c.Heads, headDim), 0, 2, 1, 3);
        // The 1/√d scale goes on q (T·D values) rather than on the scores (T·T per head): one pass less over T².
        var q = g.Mul(Rotary.Apply(g, Heads(Nn.Linear(g, x, w, $"{p}.query", c.Dim, c.Dim)), cos, sin, headDim),
            g.FloatScalar((float)(1.0 / Math.Sqrt(headDim))));
        var k = Rotary.Apply(g, Heads(Nn.Linear(g, x, w, $"{p}.key", c.Dim, c.Dim)), cos, sin, headDim);
        var v = Heads(Nn.Linear(g, x, w, $"{p}.value", c.Dim, c.Dim));
        var scores = g.Add(g.MatMul(q, g.Transpose(k, 0, 1, 3, 2)), keyBias);
        var merged = g.Reshape(g.Transpose(g.MatMul(g.Softmax(scores, -1), v), 0, 2, 1, 3), 0, 0, c.Dim);
        return Nn.Linear(g, merged, w, $"{p}.proj", c.Dim, c.Dim);
    }
}
