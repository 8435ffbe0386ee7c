using SoundStorm.Export.Acoustic;
using SoundStorm.Trainer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Seed;

/// <summary>
/// The seed network (upstream Text2ImageTransformer): content embedding per codebook → shallow U-Net down path
/// (over codebook × time) + position table → self+cross blocks with AdaLN timestep conditioning, attending to
/// [prompt semantic; target semantic; prompt acoustic codebook 0] → U-Net up path back to every codebook → logits tied
/// to the content tables. State-dict names equal the checkpoint's <c>model</c> keys minus <see cref="CheckpointPrefix"/>.
/// </summary>
internal sealed class SeedDiffusionTransformer : nn.Module<SeedInputs, Tensor>
{
    /// <summary>Prefix of this module's names inside a seed checkpoint's <c>model</c> dictionary.</summary>
    public const string CheckpointPrefix = "transformer.transformer.";

    /// <summary>Log-probability given to [MASK] as a prediction of x0 (upstream constant).</summary>
    public const double MaskLogProbability = -70.0;

    private readonly SeedModelConfig config;

    // Registered in checkpoint order.
    private readonly Tensor cls_ids;
    private readonly ContentEmbedding content_emb;
    private readonly Embedding semantic_embedding;
    private readonly DoubleConv inc;
    private readonly CodebookDown down1;
    private readonly CodebookUp up1;
    private readonly ModuleList<SelfCrossBlock> blocks;
    private readonly PositionTable prompt_semantic_pos_emb;
    private readonly PositionTable target_semantic_pos_emb;
    private readonly PositionTable prompt_acoustic_pos_emb;
    private readonly PositionTable target_acoustic_pos_emb;

    /// <summary>Creates the network with PyTorch-default initialisation.</summary>
    public SeedDiffusionTransformer(SeedModelConfig config) : base(nameof(SeedDiffusionTransformer))
    {
        config.Validate();
        this.config = config;
        int d = config.Dim;
        cls_ids = arange(config.OutputClasses, dtype: int64);
        content_emb = new ContentEmbedding(config);
        semantic_embedding = nn.Embedding(config.SemanticVocab + 4, d);
        inc = new DoubleConv(d, d);
        down1 = new CodebookDown(d, config.Codebooks);
        up1 = new CodebookUp(d, config.Codebooks);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers)
            .Select(_ => new SelfCrossBlock(d, d, config.Heads, config.TimestepRows, config.MlpHiddenTimes)).ToArray());
        prompt_semantic_pos_emb = new PositionTable(config.PromptSemanticPositions, d);
        target_semantic_pos_emb = new PositionTable(config.TargetSemanticPositions, d);
        prompt_acoustic_pos_emb = new PositionTable(config.PromptAcousticPositions, d);
        target_acoustic_pos_emb = new PositionTable(config.TargetAcousticPositions, d);
        RegisterComponents();
    }

    /// <summary>The configuration the network was built with.</summary>
    public SeedModelConfig Config => config;

    /// <summary>
    /// Optional observer of intermediate activations (names as the reference act_*.npy files: content_emb, inc,
    /// down1, block0_in_x, cond_emb, block{i}_out, up1), for tests and debugging.
    /// </summary>
    public Action<string, Tensor>? Trace { get; set; }

    /// <summary>Logits (B, OutputClasses, n_q·T) over the classes 0..1025 of every codebook-major position.</summary>
    public override Tensor forward(SeedInputs input)
    {
        long b = input.NoisyTargets.shape[0], q = config.Codebooks, frames = input.NoisyTargets.shape[1] / q;

        // 1. Per-codebook content embedding (B,n_q,T,D) → conv layout (B,D,n_q,T).
        Tensor perCodebookEmbedding = content_emb.forward(input.NoisyTargets.view(b, q, frames));
        Trace?.Invoke("content_emb", perCodebookEmbedding);
        Tensor content = perCodebookEmbedding.permute(0, 3, 1, 2);

        // 2. U-Net down path: x1 keeps every codebook (skip), x2 is max-pooled over codebooks → one sequence.
        Tensor x1 = inc.forward(content);
        Tensor x2 = down1.forward(x1);
        Tensor x = x2.squeeze(2).transpose(1, 2) + content_emb.Positions(frames);
        Trace?.Invoke("inc", x1);
        Trace?.Invoke("down1", x2);
        Trace?.Invoke("block0_in_x", x);

        // 3. Condition sequence.
        Tensor condition = Condition(input.PromptSemantics, input.TargetSemantics, input.PromptAcoustics);
        Trace?.Invoke("cond_emb", condition);

        // 4. Self+cross blocks.
        for (int i = 0; i < blocks.Count; i++)
        {
            x = blocks[i].forward(x, condition, input.Padding, input.Timesteps);
            Trace?.Invoke($"block{i}_out", x);
        }

        // 5. U-Net up path back to every codebook: (B,D,n_q,T) → (B,n_q,T,D).
        Tensor x3 = up1.forward(x.transpose(1, 2).unsqueeze(2), x1);
        Trace?.Invoke("up1", x3);
        Tensor h = x3.permute(0, 2, 3, 1);

        // 6. Output heads tied to the content tables (first OutputClasses rows, no bias); codebook-major positions.
        var perCodebook = new Tensor[q];
        for (int i = 0; i < q; i++)
            perCodebook[i] = matmul(h[.., i], content_emb.Table(i)[..config.OutputClasses].t());
        return cat(perCodebook, 1).transpose(1, 2);
    }

    /// <summary>
    /// [K, prompt semantic…, K+1] + [K+2, target semantic…, K+3] through the shared semantic table, then prompt
    /// acoustic codebook 0 through content table 0; each part with its own position table; concatenated on time.
    /// </summary>
    public Tensor Condition(Tensor promptSemantics, Tensor targetSemantics, Tensor promptAcoustics)
    {
        Tensor prompt = Bracket(promptSemantics, config.PromptSemanticStart, config.PromptSemanticEnd);
        Tensor target = Bracket(targetSemantics, config.TargetSemanticStart, config.TargetSemanticEnd);
        Tensor acoustic = promptAcoustics[.., 0];
        return cat(new[]
        {
            semantic_embedding.forward(prompt) + prompt_semantic_pos_emb.forward(prompt.shape[1]),
            semantic_embedding.forward(target) + target_semantic_pos_emb.forward(target.shape[1]),
            content_emb.Embed(0, acoustic) + prompt_acoustic_pos_emb.forward(acoustic.shape[1]),
        }, 1);
    }

    private static Tensor Bracket(Tensor ids, long start, long end)
    {
        Tensor flat = ids.reshape(ids.shape[0], -1);
        Tensor first = full(flat.shape[0], 1, start, dtype: int64, device: flat.device);
        Tensor last = full(flat.shape[0], 1, end, dtype: int64, device: flat.device);
        return cat(new[] { first, flat, last }, 1);
    }

    /// <summary>
    /// log p̂(x0 | x_t) as upstream predict_start: log-softmax over the classes (in float64), a constant
    /// <see cref="MaskLogProbability"/> row appended for [MASK], clamped to [−70, 0]. (B, OutputClasses + 1, n_q·T).
    /// </summary>
    public static Tensor LogX0(Tensor logits)
    {
        Tensor logProbs = logits.to_type(float64).log_softmax(1).to_type(logits.dtype);
        Tensor maskRow = full(logits.shape[0], 1, logits.shape[2], MaskLogProbability, dtype: logits.dtype, device: logits.device);
        return cat(new[] { logProbs, maskRow }, 1).clamp(MaskLogProbability, 0.0);
    }

    /// <summary>Per-codebook content tables (<c>embs.{q}</c>, ContentRows × D) and the target position table.</summary>
    private sealed class ContentEmbedding : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor position_ids;
        private readonly ModuleList<Embedding> embs;
        private readonly Embedding pos_emb;

        public ContentEmbedding(SeedModelConfig config) : base(nameof(ContentEmbedding))
        {
            position_ids = arange(config.MaxFrames, dtype: int64);
            embs = nn.ModuleList(Enumerable.Range(0, config.Codebooks)
                .Select(_ => nn.Embedding(config.ContentRows, config.Dim)).ToArray());
            pos_emb = nn.Embedding(config.MaxFrames, config.Dim);
            RegisterComponents();
        }

        /// <summary>ids (B,n_q,T) → (B,n_q,T,D); negative ids read row 0 as upstream.</summary>
        public override Tensor forward(Tensor ids)
        {
            Tensor safe = ids.clamp_min(0);
            return stack(Enumerable.Range(0, embs.Count).Select(i => embs[i].forward(safe[.., i])), 1);
        }

        public Tensor Embed(int codebook, Tensor ids) => embs[codebook].forward(ids);

        public Tensor Table(int codebook) => embs[codebook].weight!;

        /// <summary>(1,T,D) rows 0..T−1 of the position table.</summary>
        public Tensor Positions(long frames) => pos_emb.forward(position_ids[..(int)frames]).unsqueeze(0);
    }

    /// <summary>A learned position table named <c>emb</c>; forward(n) gives rows 0..n−1 as (1,n,D).</summary>
    private sealed class PositionTable : nn.Module<long, Tensor>
    {
        private readonly Embedding emb;

        public PositionTable(long rows, long width) : base(nameof(PositionTable))
        {
            emb = nn.Embedding(rows, width);
            RegisterComponents();
        }

        public override Tensor forward(long length)
        {
            if (length > emb.weight!.shape[0])
                throw new ArgumentException($"sequence of {length} exceeds the {emb.weight.shape[0]}-row position table");
            return emb.forward(arange(length, dtype: int64, device: emb.weight.device)).unsqueeze(0);
        }
    }
}
