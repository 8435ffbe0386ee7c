using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// Shape of a seed-family acoustic model (yangdongchao/SoundStorm s2 "Text2ImageTransformer": shallow U-Net around a
/// self+cross-attention transformer with AdaLN diffusion-step conditioning). Defaults are the released LibriTTS
/// configuration. The one record for the network: the graph writers (<see cref="SeedGraphs"/>) and the trainer's
/// TorchSharp module (<c>SeedDiffusionTransformer</c>) both read it. Table lengths are in rows (upstream gives
/// seconds × 50).
/// </summary>
public sealed record SeedModelConfig
{
    /// <summary>Model width (n_embd = condition_dim = embed_dim).</summary>
    public int Dim { get; init; } = 512;

    /// <summary>Number of transformer blocks.</summary>
    public int Layers { get; init; } = 16;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 8;

    /// <summary>Number of codebooks (the U-Net pools over this axis).</summary>
    public int Codebooks { get; init; } = 4;

    /// <summary>Codec codebook size; ids V and V+1 are the prompt/target pad ids, V+2 the mask.</summary>
    public int CodebookSize { get; init; } = 1024;

    /// <summary>Semantic vocabulary K (k-means size); ids K..K+3 are the start/end markers.</summary>
    public int SemanticVocab { get; init; } = 500;

    /// <summary>MLP width multiplier.</summary>
    public int MlpHiddenTimes { get; init; } = 4;

    /// <summary>Rows of the target-frame position table (content_emb.pos_emb).</summary>
    public int MaxFrames { get; init; } = 16000;

    /// <summary>Rows of the prompt-semantic position table.</summary>
    public int PromptSemanticPositions { get; init; } = 500;

    /// <summary>Rows of the target-semantic position table.</summary>
    public int TargetSemanticPositions { get; init; } = 1000;

    /// <summary>Rows of the prompt-acoustic position table.</summary>
    public int PromptAcousticPositions { get; init; } = 500;

    /// <summary>Rows of target_acoustic_pos_emb: upstream has the table but never reads it, so no graph does; kept for checkpoint parity.</summary>
    public int TargetAcousticPositions { get; init; } = 3000;

    /// <summary>Rows of each AdaLN timestep table (1000 upstream although 100 steps are used).</summary>
    public int TimestepRows { get; init; } = 1000;

    /// <summary>The tiny configuration of shared/reference/soundstorm-s2 (D 32, 2 layers, 2 heads, 200 positions).</summary>
    public static SeedModelConfig ReferenceTiny => new() { Dim = 32, Layers = 2, Heads = 2, MaxFrames = 200 };

    /// <summary>The most frames one pass can generate: the target frames index both the frame table and the target-semantic table.</summary>
    public int MaxGeneratedFrames => Math.Min(MaxFrames, TargetSemanticPositions);

    /// <summary>The most prompt frames one pass can take: the prompt indexes both prompt tables.</summary>
    public int MaxPromptFrames => Math.Min(PromptSemanticPositions, PromptAcousticPositions);

    /// <summary>Output classes of the network: codes plus the two pad ids (no mask class).</summary>
    public int OutputClasses => CodebookSize + 2;

    /// <summary>Rows of each content embedding table: output classes plus the mask.</summary>
    public int ContentRows => CodebookSize + 3;

    /// <summary>The mask token id.</summary>
    public int MaskId => CodebookSize + 2;

    /// <summary>Acoustic pad/eos id in prompts (1024 upstream).</summary>
    public int PromptAcousticPad => CodebookSize;

    /// <summary>Acoustic pad/eos id in targets (1025 upstream).</summary>
    public int TargetAcousticPad => CodebookSize + 1;

    /// <summary>Prompt semantic start id, K.</summary>
    public int PromptSemanticStart => SemanticVocab;

    /// <summary>Prompt semantic end (and pad) id, K+1.</summary>
    public int PromptSemanticEnd => SemanticVocab + 1;

    /// <summary>Target semantic start id, K+2.</summary>
    public int TargetSemanticStart => SemanticVocab + 2;

    /// <summary>Target semantic end (and pad) id, K+3.</summary>
    public int TargetSemanticEnd => SemanticVocab + 3;

    /// <summary>Returns this configuration, or throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public SeedModelConfig Validate()
    {
        if (Dim <= 0 || Layers <= 0 || Heads <= 0 || Codebooks <= 0 || CodebookSize <= 0 || SemanticVocab <= 0)
            throw new ArgumentException($"all sizes must be positive: {this}");
        if (Dim % Heads != 0)
            throw new ArgumentException($"Dim {Dim} must be divisible by Heads {Heads}");
        return this;
    }

    /// <summary>
    /// Reads every size that the weights imply (width, depth, vocabularies, table lengths); heads cannot be
    /// inferred and come from <paramref name="heads"/>.
    /// </summary>
    public static SeedModelConfig InferFrom(WeightSet weights, int heads, string prefix = "")
    {
        var emb0 = Peek(weights, prefix + "content_emb.embs.0.weight");
        int dim = (int)emb0.Shape[1];
        int codebooks = 0;
        while (weights.Contains($"{prefix}content_emb.embs.{codebooks}.weight")) codebooks++;
        int layers = 0;
        while (weights.Contains($"{prefix}blocks.{layers}.ln2.weight")) layers++;
        if (heads <= 0 || dim % heads != 0)
            throw new WeightMismatchException($"{weights.Source}: width {dim} is not divisible by {heads} heads.");
        return new SeedModelConfig
        {
            Dim = dim,
            Layers = layers,
            Heads = heads,
            Codebooks = codebooks,
            CodebookSize = (int)emb0.Shape[0] - 3,
            SemanticVocab = (int)Peek(weights, prefix + "semantic_embedding.weight").Shape[0] - 4,
            MlpHiddenTimes = (int)(Peek(weights, prefix + "blocks.0.mlp.0.weight").Shape[0] / dim),
            MaxFrames = (int)Peek(weights, prefix + "content_emb.pos_emb.weight").Shape[0],
            PromptSemanticPositions = (int)Peek(weights, prefix + "prompt_semantic_pos_emb.emb.weight").Shape[0],
            TargetSemanticPositions = (int)Peek(weights, prefix + "target_semantic_pos_emb.emb.weight").Shape[0],
            PromptAcousticPositions = (int)Peek(weights, prefix + "prompt_acoustic_pos_emb.emb.weight").Shape[0],
            TimestepRows = (int)Peek(weights, prefix + "blocks.0.ln1.emb.weight").Shape[0],
            TargetAcousticPositions = weights.Contains(prefix + "target_acoustic_pos_emb.emb.weight")
                ? (int)weights.Peek(prefix + "target_acoustic_pos_emb.emb.weight").Shape[0] : new SeedModelConfig().TargetAcousticPositions,
        };
    }

    private static WeightTensor Peek(WeightSet weights, string name) =>
        weights.Contains(name) ? weights.Peek(name) : throw new WeightMismatchException($"{weights.Source}: missing tensor '{name}'.");
}
