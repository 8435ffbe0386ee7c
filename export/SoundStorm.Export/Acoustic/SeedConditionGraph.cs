using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// The seed model's condition graph: the prompt's and the target's semantic tokens and the prompt's codebook-0 codes →
/// every block's cross-attention keys and values. None of it depends on the tokens being denoised or on the diffusion
/// step, so the runtime runs it once per generation instead of inside each of the sampler's 21–100 network calls
/// (at the released size that is about a seventh of a call's work).
/// Inputs: <c>prompt_semantic</c> int64 [B, Tp]; <c>target_semantic</c> int64 [B, Ts]; <c>prompt_acoustic</c> int64 [B, Tp].
/// Outputs: <c>cross_keys</c> and <c>cross_values</c> float [layers, B, heads, Lc, D/heads], Lc = (Tp + 2) + (Ts + 2) + Tp.
/// </summary>
public static class SeedConditionGraph
{
    /// <summary>Graph output names (and the transformer's inputs of the same names).</summary>
    public const string CrossKeys = "cross_keys", CrossValues = "cross_values";

    /// <summary>Writes the condition graph from weights named as the seed's <c>Text2ImageTransformer</c> state dict.</summary>
    public static OnnxModel Build(SeedModelConfig c, WeightSet w, string prefix = "", ModelOptions? options = null)
    {
        var g = new OnnxGraphBuilder("seed_condition");
        var (promptSemantic, targetSemantic, promptAcoustic) = Inputs(g);
        var condition = Embed(g, c, w, prefix, promptSemantic, targetSemantic, promptAcoustic);
        var keys = new GraphValue[c.Layers];
        var values = new GraphValue[c.Layers];
        for (int i = 0; i < c.Layers; i++)
        {
            using var _ = g.Scope($"block{i}");
            string p = $"{prefix}blocks.{i}.attn2";
            keys[i] = g.Unsqueeze(Nn.ProjectHeads(g, condition, w, $"{p}.key", c.Dim, c.Dim, c.Heads), 0);
            values[i] = g.Unsqueeze(Nn.ProjectHeads(g, condition, w, $"{p}.value", c.Dim, c.Dim, c.Heads), 0);
        }
        long headDim = c.Dim / c.Heads;
        g.Output(g.Concat(0, keys), CrossKeys, ElementType.Float, c.Layers, "batch", c.Heads, "condition_frames", headDim);
        g.Output(g.Concat(0, values), CrossValues, ElementType.Float, c.Layers, "batch", c.Heads, "condition_frames", headDim);
        return g.Build(options ?? SeedGraphs.Options(c, "condition"));
    }

    /// <summary>Declares the three token inputs.</summary>
    internal static (GraphValue PromptSemantic, GraphValue TargetSemantic, GraphValue PromptAcoustic) Inputs(OnnxGraphBuilder g) =>
        (g.Input(SeedTransformerGraph.PromptSemantic, ElementType.Int64, "batch", "prompt_frames"),
         g.Input(SeedTransformerGraph.TargetSemantic, ElementType.Int64, "batch", "semantic_frames"),
         g.Input(SeedTransformerGraph.PromptAcoustic, ElementType.Int64, "batch", "prompt_frames"));

    /// <summary>
    /// The condition sequence [B, Lc, D]: [K, prompt…, K+1] ++ [K+2, target…, K+3] through the semantic table with their
    /// own positions, then the prompt's codebook-0 tokens through content table 0 with the prompt-acoustic positions.
    /// </summary>
    internal static GraphValue Embed(OnnxGraphBuilder g, SeedModelConfig c, WeightSet w, string prefix,
        GraphValue promptSemantic, GraphValue targetSemantic, GraphValue promptAcoustic)
    {
        int k = c.SemanticVocab;
        var semanticTable = g.Initializer($"{prefix}semantic_embedding.weight",
            TensorData.FromFloat(w.Get($"{prefix}semantic_embedding.weight", k + 4, c.Dim).Data, k + 4, c.Dim));
        var prompt = Bracket(g, promptSemantic, k, k + 1);
        var target = Bracket(g, targetSemantic, k + 2, k + 3);
        var promptEmb = g.Add(g.Gather(semanticTable, prompt),
            SeedUNet.Positions(g, prompt, w, $"{prefix}prompt_semantic_pos_emb.emb", c.PromptSemanticPositions, c.Dim));
        var targetEmb = g.Add(g.Gather(semanticTable, target),
            SeedUNet.Positions(g, target, w, $"{prefix}target_semantic_pos_emb.emb", c.TargetSemanticPositions, c.Dim));
        var acousticTable = g.Constant("prompt_acoustic_table",
            TensorData.FromFloat(w.Get($"{prefix}content_emb.embs.0.weight", c.ContentRows, c.Dim).Data, c.ContentRows, c.Dim));
        var acousticEmb = g.Add(g.Gather(acousticTable, promptAcoustic),
            SeedUNet.Positions(g, promptAcoustic, w, $"{prefix}prompt_acoustic_pos_emb.emb", c.PromptAcousticPositions, c.Dim));
        return g.Concat(1, promptEmb, targetEmb, acousticEmb);
    }

    private static GraphValue Bracket(OnnxGraphBuilder g, GraphValue ids, long start, long end)
    {
        var withStart = g.Node("Pad", new[] { ids, g.Int64s(0, 1, 0, 0), g.Int64Scalar(start) });
        return g.Node("Pad", new[] { withStart, g.Int64s(0, 0, 0, 1), g.Int64Scalar(end) });
    }
}
