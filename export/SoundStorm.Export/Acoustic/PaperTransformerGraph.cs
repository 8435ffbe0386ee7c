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

    /// <summary>The file name of the fused variant beside <c>transformer.onnx</c> in a package.</summary>
    public const string FusedFileName = "transformer.fused.onnx";

    /// <summary>
    /// Writes the transformer graph: standard opset-17 nodes, or (<paramref name="fused"/>) the same network with ONNX
    /// Runtime's fused attention operators (<see cref="FusedRotaryAttention"/>; CPU and CUDA providers only).
    /// </summary>
    public static OnnxModel Build(PaperModelConfig c, WeightSet w, ModelOptions? options = null, bool fused = false)
    {
        c.Validate();
        var g = new OnnxGraphBuilder("paper_transformer");
        var embeddings = g.Input(PaperCombinerGraph.Embeddings, ElementType.Float, "batch", "frames", c.Dim);
        var semantic = g.Input(Semantic, ElementType.Int64, "batch", "frames");
        var padding = g.Input(PaddingMask, ElementType.Bool, "batch", "frames");
        var level = g.Input(Level, ElementType.Int64, 1);

        var x = g.Add(embeddings, Nn.Embedding(g, semantic, w, "semantic_emb", c.SemanticVocab + 1, c.Dim));
        var keep = g.Unsqueeze(g.Cast(g.Not(padding), ElementType.Float), 2);
        var shape = new ConformerShape(c.Dim, c.Heads, c.FeedForward, c.ConvKernel);
        if (fused)
        {
            // The fused variant's blocks work on 2-D rows [B·T, D] (FusedConformerGraph): reshaped once here and back at the end.
            var attention = new FusedRotaryAttention(g, x, padding, shape, c.RotaryBase);
            var rowKeep = g.Reshape(keep, -1, 1);
            x = g.Reshape(x, -1, c.Dim);
            for (int i = 0; i < c.Layers; i++)
            {
                using var _ = g.Scope($"block{i}");
                x = FusedConformerGraph.Block(g, shape, w, $"blocks.{i}", x, rowKeep, attention.SequenceShape, attention);
            }
        }
        else
        {
            var attention = StandardAttention(g, x, padding, c);
            for (int i = 0; i < c.Layers; i++)
            {
                using var _ = g.Scope($"block{i}");
                x = ConformerGraph.Block(g, shape, w, $"blocks.{i}", x, keep, attention);
            }
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
        if (fused) // rows [B·T, V] → [B, T, V]
            logits = g.Reshape(logits, g.Concat(0, g.Shape(semantic), g.Int64s(c.CodebookSize)));
        g.Output(logits, Logits, ElementType.Float, "batch", "frames", c.CodebookSize);
        return g.Build(options ?? PaperGraphs.Options(c, "transformer", fused));
    }

    private static ConformerAttention StandardAttention(OnnxGraphBuilder g, GraphValue x, GraphValue padding, PaperModelConfig c)
    {
        // Computed once and added to every layer's scores: cheaper than masking the T×T matrices with Where per layer.
        var keyBias = g.Where(g.Unsqueeze(padding, 1, 2), g.FloatScalar(-1e9f), g.FloatScalar(0f)); // [B, 1, 1, T]
        var (cos, sin) = Rotary.Tables(g, x, c.Dim / c.Heads, c.RotaryBase);
        return ConformerAttention.Standard(keyBias, cos, sin);
    }
}
