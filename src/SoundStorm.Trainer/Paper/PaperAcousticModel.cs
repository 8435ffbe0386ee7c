using SoundStorm.Export.Acoustic;
using SoundStorm.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

// The paper-family acoustic network in one file, nanoGPT-style. Its configuration is PaperModelConfig
// (export/SoundStorm.Export/Acoustic), the record the graph writers read too; then the modules in the order data flows
// through them — the U-Net combiner of the level embeddings, the Conformer block's parts (feed-forward, rotary
// self-attention, convolution module) and the block — and last the model. Parameter names are the graph writers'
// (PaperStateDict), so a tensor can be followed by name from training to the ONNX graph.

/// <summary>
/// The seed's U-Net down path as a combiner: DoubleConv over the (level, frame) grid (<c>inc</c>), max over levels,
/// DoubleConv (<c>down</c>). [B, Q, T, D] per-level embeddings → [B, T, D]. Every convolution's input is zeroed at
/// padding frames (as the ONNX writer does), so a padded batch gives each item the values it has alone.
/// </summary>
internal sealed class UNetCombiner : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly MaskedDoubleConv inc;
    private readonly MaskedDoubleConv down;

    /// <summary>Creates the combiner for width <paramref name="dim"/>.</summary>
    public UNetCombiner(long dim) : base(nameof(UNetCombiner))
    {
        inc = new MaskedDoubleConv(dim);
        down = new MaskedDoubleConv(dim);
        RegisterComponents();
    }

    /// <summary>perLevel [B, Q, T, D]; padding [B, T] bool (true = padding) → [B, T, D].</summary>
    public override Tensor forward(Tensor perLevel, Tensor padding)
    {
        Tensor keep = padding.logical_not().to_type(perLevel.dtype).view(padding.shape[0], 1, 1, padding.shape[1]);
        Tensor grid = perLevel.permute(0, 3, 1, 2); // [B, D, Q, T]
        Tensor pooled = inc.Forward(grid, keep).amax(new long[] { 2 }, keepdim: true);
        return down.Forward(pooled, keep).squeeze(2).transpose(1, 2);
    }

    /// <summary>
    /// [Conv2d 3×3 (no bias) → BatchNorm2d → ReLU] × 2 with names <c>double_conv.{0,1,3,4}</c>, each convolution's
    /// input multiplied by <c>keep</c> ([B, 1, 1, T]).
    /// </summary>
    private sealed class MaskedDoubleConv : nn.Module
    {
        private readonly ModuleList<nn.Module<Tensor, Tensor>> double_conv;

        public MaskedDoubleConv(long channels) : base(nameof(MaskedDoubleConv))
        {
            double_conv = nn.ModuleList<nn.Module<Tensor, Tensor>>(
                nn.Conv2d(channels, channels, 3, padding: 1, bias: false), nn.BatchNorm2d(channels), nn.ReLU(),
                nn.Conv2d(channels, channels, 3, padding: 1, bias: false), nn.BatchNorm2d(channels), nn.ReLU());
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Tensor keep)
        {
            Tensor h = double_conv[2].forward(double_conv[1].forward(double_conv[0].forward(x * keep)));
            return double_conv[5].forward(double_conv[4].forward(double_conv[3].forward(h * keep)));
        }
    }
}

/// <summary>LayerNorm → Linear(D, F) → SiLU → Linear(F, D); names <c>norm</c>, <c>linear1</c>, <c>linear2</c>.</summary>
internal sealed class ConformerFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear linear1;
    private readonly Linear linear2;

    /// <summary>Creates the feed-forward of width <paramref name="dim"/> and hidden width <paramref name="hidden"/>.</summary>
    public ConformerFeedForward(long dim, long hidden) : base(nameof(ConformerFeedForward))
    {
        norm = nn.LayerNorm(dim, eps: 1e-5);
        linear1 = nn.Linear(dim, hidden);
        linear2 = nn.Linear(hidden, dim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => linear2.forward(nn.functional.silu(linear1.forward(norm.forward(x))));
}

/// <summary>
/// Rotary position tables, "rotate half" convention (as the ONNX writer's <c>Rotary</c>): frequency i &lt; d/2 pairs
/// feature i with feature i + d/2. Inverse frequencies are rounded to float32 exactly as the writer does.
/// </summary>
internal static class RotaryTables
{
    /// <summary>cos and sin [T, headDim] for positions 0..T−1.</summary>
    public static (Tensor Cos, Tensor Sin) Create(long frames, long headDim, float theta, Device? device = null)
    {
        var inverse = new float[headDim];
        for (long i = 0; i < headDim / 2; i++)
            inverse[i] = inverse[i + headDim / 2] = (float)Math.Pow(theta, -2.0 * i / headDim);
        Tensor positions = arange(HeldScalars.Of(0), HeldScalars.Of(frames), HeldScalars.Of(1), dtype: float32, device: device).unsqueeze(1);
        Tensor angles = positions * tensor(inverse, device: device).unsqueeze(0);
        return (angles.cos(), angles.sin());
    }

    /// <summary>x·cos + rotate_half(x)·sin for x [B, H, T, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[3] / 2;
        Tensor rotated = cat(new[] { x[.., .., .., (int)half..].neg(), x[.., .., .., ..(int)half] }, 3);
        return x * cos + rotated * sin;
    }
}

/// <summary>
/// Self-attention with rotary positions on queries and keys and a key-padding mask; names <c>query</c>, <c>key</c>,
/// <c>value</c>, <c>proj</c>. Padded keys get −1e9 (not −∞) so that fully padded rows stay finite, as in the graph.
/// </summary>
internal sealed class RotarySelfAttention : nn.Module
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear proj;
    private readonly long heads;

    /// <summary>Creates attention of width <paramref name="dim"/> with <paramref name="heads"/> heads.</summary>
    public RotarySelfAttention(long dim, long heads) : base(nameof(RotarySelfAttention))
    {
        this.heads = heads;
        query = nn.Linear(dim, dim);
        key = nn.Linear(dim, dim);
        value = nn.Linear(dim, dim);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>x [B, T, D]; padding [B, T] bool (true = padding); cos/sin [T, headDim] → [B, T, D].</summary>
    public Tensor Forward(Tensor x, Tensor padding, Tensor cos, Tensor sin) =>
        ForwardMasked(x, padding.view(x.shape[0], 1, 1, x.shape[1]), cos, sin);

    /// <summary>As <see cref="Forward"/> with any mask that broadcasts to [B, heads, T, T] (true = blocked), e.g. a causal one.</summary>
    public Tensor ForwardMasked(Tensor x, Tensor blocked, Tensor cos, Tensor sin)
    {
        long b = x.shape[0], t = x.shape[1], d = x.shape[2], hd = d / heads;
        Tensor Split(Tensor v) => v.view(b, t, heads, hd).transpose(1, 2);
        Tensor q = RotaryTables.Apply(Split(query.forward(x)), cos, sin);
        Tensor k = RotaryTables.Apply(Split(key.forward(x)), cos, sin);
        Tensor v = Split(value.forward(x));
        Tensor scores = matmul(q, k.transpose(2, 3)).mul(HeldScalars.Of(1.0 / Math.Sqrt(hd)));
        scores = scores.masked_fill(blocked, HeldScalars.Of(-1e9));
        Tensor merged = matmul(scores.softmax(-1), v).transpose(1, 2).contiguous().view(b, t, d);
        return proj.forward(merged);
    }
}

/// <summary>
/// LayerNorm → Linear(D, 2D) → GLU → padding frames zeroed → depthwise Conv1d(k, padding k/2, bias) → LayerNorm →
/// SiLU → Linear(D, D). Names <c>norm</c>, <c>pointwise1</c>, <c>depthwise</c>, <c>depthwise_norm</c>, <c>pointwise2</c>.
/// </summary>
internal sealed class ConformerConvModule : nn.Module
{
    private readonly LayerNorm norm;
    private readonly Linear pointwise1;
    private readonly Conv1d depthwise;
    private readonly LayerNorm depthwise_norm;
    private readonly Linear pointwise2;

    /// <summary>Creates the module for width <paramref name="dim"/> and an odd <paramref name="kernel"/>.</summary>
    public ConformerConvModule(long dim, long kernel) : base(nameof(ConformerConvModule))
    {
        norm = nn.LayerNorm(dim, eps: 1e-5);
        pointwise1 = nn.Linear(dim, 2 * dim);
        depthwise = nn.Conv1d(dim, dim, kernel, padding: kernel / 2, groups: dim);
        depthwise_norm = nn.LayerNorm(dim, eps: 1e-5);
        pointwise2 = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>x [B, T, D]; keep [B, T, 1] float (0 at padding frames) → [B, T, D].</summary>
    public Tensor Forward(Tensor x, Tensor keep)
    {
        Tensor h = pointwise1.forward(norm.forward(x));
        long d = h.shape[2] / 2;
        // GLU (value · σ(gate)); padding frames are zeroed so they cannot leak into neighbours through the kernel.
        h = h[.., .., ..(int)d] * h[.., .., (int)d..].sigmoid() * keep;
        h = depthwise.forward(h.transpose(1, 2)).transpose(1, 2);
        return pointwise2.forward(nn.functional.silu(depthwise_norm.forward(h)));
    }
}

/// <summary>
/// One Conformer block: x + ½·FF1(x) → x + Attn(LN(x)) → x + Conv(x) → x + ½·FF2(x) → LN. Names <c>ff1</c>,
/// <c>attn_norm</c>, <c>attn</c>, <c>conv</c>, <c>ff2</c>, <c>final_norm</c> (as the ONNX writer reads them).
/// </summary>
internal sealed class ConformerBlock : nn.Module
{
    private readonly ConformerFeedForward ff1;
    private readonly LayerNorm attn_norm;
    private readonly RotarySelfAttention attn;
    private readonly ConformerConvModule conv;
    private readonly ConformerFeedForward ff2;
    private readonly LayerNorm final_norm;

    /// <summary>Creates a block.</summary>
    public ConformerBlock(long dim, long heads, long feedForward, long kernel) : base(nameof(ConformerBlock))
    {
        ff1 = new ConformerFeedForward(dim, feedForward);
        attn_norm = nn.LayerNorm(dim, eps: 1e-5);
        attn = new RotarySelfAttention(dim, heads);
        conv = new ConformerConvModule(dim, kernel);
        ff2 = new ConformerFeedForward(dim, feedForward);
        final_norm = nn.LayerNorm(dim, eps: 1e-5);
        RegisterComponents();
    }

    /// <summary>x [B, T, D]; padding [B, T] bool; keep [B, T, 1] float; cos/sin [T, headDim].</summary>
    public Tensor Forward(Tensor x, Tensor padding, Tensor keep, Tensor cos, Tensor sin)
    {
        x = x + ff1.forward(x).mul(HeldScalars.Of(0.5));
        x = x + attn.Forward(attn_norm.forward(x), padding, cos, sin);
        x = x + conv.Forward(x, keep);
        x = x + ff2.forward(x).mul(HeldScalars.Of(0.5));
        return final_norm.forward(x);
    }
}

/// <summary>
/// The paper-family acoustic model (SoundStorm §3) as TorchSharp modules. Its state-dict names are exactly those
/// <see cref="PaperCombinerGraph"/> and <see cref="PaperTransformerGraph"/> read: <c>token_emb.{q}</c> (V+1 rows,
/// row V = mask), <c>combiner.{inc,down}</c> (U-Net kind only), <c>semantic_emb</c> (K+1 rows, row K = padding),
/// <c>blocks.{i}.*</c> and <c>heads.{q}</c>.
/// </summary>
public sealed class PaperAcousticModel : nn.Module
{
    private readonly PaperModelConfig config;
    private readonly ModuleList<Embedding> token_emb;
    private readonly UNetCombiner? combiner;
    private readonly Embedding semantic_emb;
    private readonly ModuleList<ConformerBlock> blocks;
    private readonly ModuleList<Linear> heads;

    /// <summary>Creates the model with PyTorch-default initialisation (call <c>torch.manual_seed</c> first to fix it).</summary>
    public PaperAcousticModel(PaperModelConfig config) : base(nameof(PaperAcousticModel))
    {
        this.config = config.Validate();
        token_emb = nn.ModuleList(Enumerable.Range(0, config.Codebooks)
            .Select(_ => nn.Embedding(config.CodebookSize + 1, config.Dim)).ToArray());
        combiner = config.Combiner == CombinerKind.UNet ? new UNetCombiner(config.Dim) : null;
        semantic_emb = nn.Embedding(config.SemanticVocab + 1, config.Dim);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers)
            .Select(_ => new ConformerBlock(config.Dim, config.Heads, config.FeedForward, config.ConvKernel)).ToArray());
        heads = nn.ModuleList(Enumerable.Range(0, config.Codebooks)
            .Select(_ => nn.Linear(config.Dim, config.CodebookSize)).ToArray());
        RegisterComponents();
    }

    /// <summary>The configuration the model was built with.</summary>
    public PaperModelConfig Config => config;

    /// <summary>The combiner: tokens int64 [B, T, Q] (mask id V where unknown); padding bool [B, T] (read by the U-Net kind only) → [B, T, D].</summary>
    public Tensor Combine(Tensor tokens, Tensor padding)
    {
        var perLevel = new Tensor[config.Codebooks];
        for (int q = 0; q < config.Codebooks; q++) perLevel[q] = token_emb[q].forward(tokens[.., .., q]);
        if (combiner is null)
        {
            Tensor sum = perLevel[0];
            for (int q = 1; q < perLevel.Length; q++) sum = sum + perLevel[q];
            return sum;
        }
        return combiner.forward(stack(perLevel, 1), padding);
    }

    /// <summary>The Conformer stack: embeddings [B, T, D] + semantic int64 [B, T]; padding bool [B, T] (true = padding) → [B, T, D].</summary>
    public Tensor Encode(Tensor embeddings, Tensor semantic, Tensor padding)
    {
        Tensor x = embeddings + semantic_emb.forward(semantic);
        Tensor keep = padding.logical_not().unsqueeze(2).to_type(x.dtype);
        var (cos, sin) = RotaryTables.Create(x.shape[1], config.Dim / config.Heads, config.RotaryBase, x.device);
        foreach (var block in blocks) x = block.Forward(x, padding, keep, cos, sin);
        return x;
    }

    /// <summary>Logits [B, T, V] of one level for every item.</summary>
    public Tensor Head(Tensor hidden, int level) => heads[level].forward(hidden);

    /// <summary>Logits [B, T, V] where item b uses the head of <paramref name="levels"/>[b] (int64 [B]).</summary>
    public Tensor Head(Tensor hidden, Tensor levels)
    {
        Tensor weights = stack(heads.Select(h => h.weight!), 0).index_select(0, levels); // [B, V, D]
        Tensor biases = stack(heads.Select(h => h.bias!), 0).index_select(0, levels);    // [B, V]
        return matmul(hidden, weights.transpose(1, 2)) + biases.unsqueeze(1);
    }

    /// <summary>Combiner, Conformer and per-item heads in one call.</summary>
    public Tensor Forward(Tensor tokens, Tensor semantic, Tensor padding, Tensor levels) =>
        Head(Encode(Combine(tokens, padding), semantic, padding), levels);
}
