namespace SoundStorm.Trainer.Seed;

/// <summary>
/// Shape of the seed-family network (yangdongchao/SoundStorm S2 "Text2ImageTransformer"). Defaults are the shipped
/// LibriTTS model (16 layers, 512 wide, 8 heads, K = 500, 4 codebooks of 1024 codes). Row counts of the learned
/// tables are given in rows (upstream gives seconds × 50).
/// </summary>
/// <param name="Width">Model width D (n_embd = condition_dim = embed_dim upstream).</param>
/// <param name="Layers">Number of self+cross blocks.</param>
/// <param name="Heads">Attention heads (Width must be divisible by it).</param>
/// <param name="SemanticTokens">K, the semantic (HuBERT k-means) vocabulary size.</param>
/// <param name="Codebooks">n_q, acoustic codebooks per frame.</param>
/// <param name="CodebookSize">Codes per codebook.</param>
/// <param name="MlpRatio">MLP hidden width / Width.</param>
/// <param name="TimestepRows">Rows of every AdaLN timestep table (1000 upstream, though only 100 steps exist).</param>
/// <param name="ContentPositions">Rows of the target position table (content_emb max_size).</param>
/// <param name="PromptSemanticPositions">Rows of prompt_semantic_pos_emb.</param>
/// <param name="TargetSemanticPositions">Rows of target_semantic_pos_emb.</param>
/// <param name="PromptAcousticPositions">Rows of prompt_acoustic_pos_emb.</param>
/// <param name="TargetAcousticPositions">Rows of target_acoustic_pos_emb (kept for checkpoint parity; unused upstream).</param>
internal sealed record SeedModelConfig(
    int Width = 512,
    int Layers = 16,
    int Heads = 8,
    int SemanticTokens = 500,
    int Codebooks = 4,
    int CodebookSize = 1024,
    int MlpRatio = 4,
    int TimestepRows = 1000,
    int ContentPositions = 16000,
    int PromptSemanticPositions = 500,
    int TargetSemanticPositions = 1000,
    int PromptAcousticPositions = 500,
    int TargetAcousticPositions = 3000)
{
    /// <summary>The tiny configuration of shared/reference/soundstorm-s2 (D 32, 2 layers, 2 heads, 200 positions).</summary>
    public static SeedModelConfig ReferenceTiny => new(Width: 32, Layers: 2, Heads: 2, ContentPositions: 200);

    /// <summary>Output classes: the codes plus the prompt and target pad/eos ids (1026 upstream).</summary>
    public int OutputClasses => CodebookSize + 2;

    /// <summary>Rows of each content table: output classes plus [MASK] (1027 upstream).</summary>
    public int ContentRows => CodebookSize + 3;

    /// <summary>Acoustic pad/eos id in prompts (1024 upstream).</summary>
    public long PromptAcousticPad => CodebookSize;

    /// <summary>Acoustic pad/eos id in targets (1025 upstream).</summary>
    public long TargetAcousticPad => CodebookSize + 1;

    /// <summary>The [MASK] id (1026 upstream).</summary>
    public long MaskId => CodebookSize + 2;

    /// <summary>Semantic ids K..K+3: prompt start, prompt end/pad, target start, target end/pad.</summary>
    public long PromptSemanticStart => SemanticTokens;

    /// <summary>Prompt semantic end (and pad) id, K+1.</summary>
    public long PromptSemanticEnd => SemanticTokens + 1;

    /// <summary>Target semantic start id, K+2.</summary>
    public long TargetSemanticStart => SemanticTokens + 2;

    /// <summary>Target semantic end (and pad) id, K+3.</summary>
    public long TargetSemanticEnd => SemanticTokens + 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        if (Width <= 0 || Layers <= 0 || Heads <= 0 || Codebooks <= 0 || CodebookSize <= 0 || SemanticTokens <= 0)
            throw new ArgumentException($"all sizes must be positive: {this}");
        if (Width % Heads != 0)
            throw new ArgumentException($"Width {Width} must be divisible by Heads {Heads}");
    }
}
