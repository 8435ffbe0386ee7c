using SoundStorm.Export.Acoustic;
using SoundStorm.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Seed;

// The seed-family network (upstream Text2ImageTransformer) in one file, nanoGPT-style. Its configuration is
// SeedModelConfig (export/SoundStorm.Export/Acoustic), the record the graph writers read too; then the inputs, the
// modules in the order data flows through them — the shallow U-Net's down path, the AdaLN timestep conditioning,
// attention, GELU-2 MLP, the self+cross block — and last the model (whose U-Net up path closes the flow). Parameter
// names are upstream's and the graph writers' (SeedStateDict).

/// <summary>
/// One batch as the seed network sees it (all int64 ids unless noted).
/// </summary>
/// <param name="NoisyTargets">x_t (B, n_q·T), codebook-major (index q·T + j); [MASK] = <see cref="SeedModelConfig.MaskId"/>.</param>
/// <param name="PromptSemantics">(B, Tp) or (B, 1, Tp), padded with K+1.</param>
/// <param name="TargetSemantics">(B, Ts) or (B, 1, Ts), padded with K+3.</param>
/// <param name="PromptAcoustics">(B, n_q, Tp'); only codebook 0 is used.</param>
/// <param name="Padding">(B, T) bool, true at padded target frames.</param>
/// <param name="Timesteps">(B,) diffusion step per item.</param>
public sealed record SeedInputs(
    Tensor NoisyTargets,
    Tensor PromptSemantics,
    Tensor TargetSemantics,
    Tensor PromptAcoustics,
    Tensor Padding,
    Tensor Timesteps);

/// <summary>
/// [Conv2d 3×3 (no bias) → BatchNorm2d → ReLU] × 2 over (codebook, time) planes; names double_conv.{0,1,3,4}.
/// </summary>
internal sealed class DoubleConv : nn.Module<Tensor, Tensor>
{
    private readonly Sequential double_conv;

    /// <summary>Creates the pair of convolutions (mid channels = out channels).</summary>
    public DoubleConv(long inChannels, long outChannels) : base(nameof(DoubleConv))
    {
        double_conv = nn.Sequential(
            ("0", nn.Conv2d(inChannels, outChannels, 3, padding: 1, bias: false)),
            ("1", nn.BatchNorm2d(outChannels)),
            ("2", nn.ReLU()),
            ("3", nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false)),
            ("4", nn.BatchNorm2d(outChannels)),
            ("5", nn.ReLU()));
        RegisterComponents();
    }

    /// <summary>(B,C,H,W) → (B,out,H,W).</summary>
    public override Tensor forward(Tensor x) => double_conv.forward(x);
}

/// <summary>Max over all codebooks (kernel (n_q,1)) then a <see cref="DoubleConv"/>; names maxpool_conv.1.*.</summary>
internal sealed class CodebookDown : nn.Module<Tensor, Tensor>
{
    private readonly Sequential maxpool_conv;

    /// <summary>Creates the down step for <paramref name="codebooks"/> codebook rows.</summary>
    public CodebookDown(long channels, long codebooks) : base(nameof(CodebookDown))
    {
        maxpool_conv = nn.Sequential(
            ("0", nn.MaxPool2d(kernel_size: (codebooks, 1), stride: (codebooks, 1))),
            ("1", new DoubleConv(channels, channels)));
        RegisterComponents();
    }

    /// <summary>(B,C,n_q,T) → (B,C,1,T).</summary>
    public override Tensor forward(Tensor x) => maxpool_conv.forward(x);
}

/// <summary>
/// Nearest up-sampling ×(n_q,1) back to every codebook, concatenation after the skip input ([skip, up] on channels),
/// then a <see cref="DoubleConv"/> (2C → C); names conv.*.
/// </summary>
internal sealed class CodebookUp : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Upsample up;
    private readonly DoubleConv conv;

    /// <summary>Creates the up step for <paramref name="codebooks"/> codebook rows.</summary>
    public CodebookUp(long channels, long codebooks) : base(nameof(CodebookUp))
    {
        up = nn.Upsample(scale_factor: new double[] { codebooks, 1 }, mode: UpsampleMode.Nearest);
        conv = new DoubleConv(2 * channels, channels);
        RegisterComponents();
    }

    /// <summary>x (B,C,1,T), skip (B,C,n_q,T) → (B,C,n_q,T).</summary>
    public override Tensor forward(Tensor x, Tensor skip) => conv.forward(cat(new[] { skip, up.forward(x) }, 1));
}

/// <summary>
/// LayerNorm whose scale and shift come from the diffusion timestep: a learned timestep table → SiLU → Linear(D→2D);
/// out = LayerNorm_noaffine(x)·(1 + scale) + shift, broadcast over time. Parameter names as in the seed checkpoint
/// (<c>emb</c>, <c>linear</c>).
/// </summary>
internal sealed class AdaLayerNorm : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding emb;
    private readonly Linear linear;
    private readonly LayerNorm layernorm;

    /// <summary>Creates the norm for width <paramref name="width"/> and <paramref name="timesteps"/> table rows.</summary>
    public AdaLayerNorm(long width, long timesteps) : base(nameof(AdaLayerNorm))
    {
        emb = nn.Embedding(timesteps, width);
        linear = nn.Linear(width, 2 * width);
        layernorm = nn.LayerNorm(width, eps: 1e-5, elementwise_affine: false);
        RegisterComponents();
    }

    /// <summary>x (B,T,D), t (B,) int64 → (B,T,D).</summary>
    public override Tensor forward(Tensor x, Tensor t)
    {
        Tensor h = linear.forward(nn.functional.silu(emb.forward(t))).unsqueeze(1);
        Tensor[] scaleShift = h.chunk(2, dim: 2);
        return layernorm.forward(x) * (scaleShift[0] + 1) + scaleShift[1];
    }
}

/// <summary>
/// Multi-head attention with separate <c>key</c>, <c>query</c>, <c>value</c> and <c>proj</c> Linears (all with bias),
/// as in the seed model. Self-attention when keys/values come from the queries' own sequence, cross-attention when
/// they come from a condition sequence of width <c>contextWidth</c>. No positional terms inside.
/// </summary>
internal sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Linear key;
    private readonly Linear query;
    private readonly Linear value;
    private readonly Linear proj;
    private readonly long heads;

    /// <summary>Creates attention over <paramref name="width"/> with <paramref name="heads"/> heads.</summary>
    public MultiHeadAttention(long width, long contextWidth, long heads) : base(nameof(MultiHeadAttention))
    {
        if (width % heads != 0)
            throw new ArgumentException($"width {width} is not divisible by the head count {heads}", nameof(heads));
        this.heads = heads;
        key = nn.Linear(contextWidth, width);
        query = nn.Linear(width, width);
        value = nn.Linear(contextWidth, width);
        proj = nn.Linear(width, width);
        RegisterComponents();
    }

    /// <summary>
    /// x (B,T,D) queries; context (B,L,C) keys/values; keyPadding (B,L) bool, true = ignore that key (or null).
    /// Returns (B,T,D).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor context, Tensor? keyPadding)
    {
        long b = x.shape[0], t = x.shape[1], l = context.shape[1], d = x.shape[2], hd = d / heads;
        Tensor q = query.forward(x).view(b, t, heads, hd).transpose(1, 2);
        Tensor k = key.forward(context).view(b, l, heads, hd).transpose(1, 2);
        Tensor v = value.forward(context).view(b, l, heads, hd).transpose(1, 2);
        Tensor scores = matmul(q, k.transpose(-2, -1)) * (1.0 / Math.Sqrt(hd));
        if (keyPadding is not null)
            scores = scores.masked_fill(keyPadding.view(b, 1, 1, l), HeldScalars.Of(double.NegativeInfinity));
        Tensor y = matmul(scores.softmax(-1), v).transpose(1, 2).contiguous().view(b, t, d);
        return proj.forward(y);
    }
}

/// <summary>The sigmoid approximation of GELU used by the seed model: x·σ(1.702·x).</summary>
internal sealed class Gelu2 : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the activation (no parameters).</summary>
    public Gelu2() : base(nameof(Gelu2)) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => x * sigmoid(x * 1.702);
}

/// <summary>
/// The seed model's transformer block (attn_type "selfcross"): timestep-conditioned self-attention with a key-padding
/// mask, timestep-conditioned cross-attention to the condition sequence (unmasked), then an MLP with GELU2. Padded
/// frames get zero attention outputs and are zeroed at the end. Names: ln1, attn1, ln1_1, attn2, ln2, mlp.{0,2}.
/// </summary>
internal sealed class SelfCrossBlock : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly AdaLayerNorm ln1;
    private readonly MultiHeadAttention attn1;
    private readonly AdaLayerNorm ln1_1;
    private readonly MultiHeadAttention attn2;
    private readonly LayerNorm ln2;
    private readonly Sequential mlp;

    /// <summary>Creates a block of width <paramref name="width"/>.</summary>
    public SelfCrossBlock(long width, long conditionWidth, long heads, long timesteps, long mlpRatio)
        : base(nameof(SelfCrossBlock))
    {
        ln1 = new AdaLayerNorm(width, timesteps);
        attn1 = new MultiHeadAttention(width, width, heads);
        ln1_1 = new AdaLayerNorm(width, timesteps);
        attn2 = new MultiHeadAttention(width, conditionWidth, heads);
        ln2 = nn.LayerNorm(width, eps: 1e-5);
        mlp = nn.Sequential(
            ("0", nn.Linear(width, mlpRatio * width)),
            ("1", new Gelu2()),
            ("2", nn.Linear(mlpRatio * width, width)),
            ("3", nn.Dropout(0.0)));
        RegisterComponents();
    }

    /// <summary>x (B,T,D); condition (B,L,C); padding (B,T) bool, true = padded frame; t (B,) int64.</summary>
    public override Tensor forward(Tensor x, Tensor condition, Tensor padding, Tensor t)
    {
        Tensor padRows = padding.unsqueeze(-1);
        Tensor normed = ln1.forward(x, t);
        x = x + attn1.forward(normed, normed, padding).masked_fill(padRows, HeldScalars.Of(0.0));
        x = x + attn2.forward(ln1_1.forward(x, t), condition, null).masked_fill(padRows, HeldScalars.Of(0.0));
        x = x + mlp.forward(ln2.forward(x));
        return x.masked_fill(padRows, HeldScalars.Of(0.0));
    }
}

/// <summary>
/// The seed network (upstream Text2ImageTransformer): content embedding per codebook → shallow U-Net down path
/// (over codebook × time) + position table → self+cross blocks with AdaLN timestep conditioning, attending to
/// [prompt semantic; target semantic; prompt acoustic codebook 0] → U-Net up path back to every codebook → logits tied
/// to the content tables. State-dict names equal the checkpoint's <c>model</c> keys minus <see cref="CheckpointPrefix"/>.
/// </summary>
public sealed class SeedDiffusionTransformer : nn.Module<SeedInputs, Tensor>
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
