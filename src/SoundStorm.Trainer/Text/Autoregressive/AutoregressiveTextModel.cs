using SoundStorm.Trainer.Paper;
using SoundStorm.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text.Autoregressive;

/// <summary>
/// Pre-norm transformer block: x + attention(norm(x)) under a [B, 1, L, L] mask (phones see each other both ways; each
/// unit sees the phones and the units up to itself), then x + feed-forward(x) (which normalises its input).
/// </summary>
internal sealed class PrefixCausalBlock : nn.Module
{
    private readonly LayerNorm norm;
    private readonly RotarySelfAttention attention;
    private readonly ConformerFeedForward feed_forward;

    /// <summary>Creates a block.</summary>
    public PrefixCausalBlock(long dim, long heads, long feedForward) : base(nameof(PrefixCausalBlock))
    {
        norm = nn.LayerNorm(dim, eps: 1e-5);
        attention = new RotarySelfAttention(dim, heads);
        feed_forward = new ConformerFeedForward(dim, feedForward);
        RegisterComponents();
    }

    /// <summary>x [B, L, D] → [B, L, D].</summary>
    public Tensor Forward(Tensor x, Tensor blocked, Tensor cos, Tensor sin)
    {
        x = x + attention.ForwardMasked(norm.forward(x), blocked, cos, sin);
        return x + feed_forward.forward(x);
    }
}

/// <summary>
/// The autoregressive text-to-semantic model: the phones (left-padded with id P, so the last phone always sits just
/// before the units), then a start id K and the units so far; the output at each unit position is the distribution of
/// the next unit, or K for the end of speech. Each part also gets sinusoidal positions counted from its own start (as
/// VALL-E and SPEAR-TTS do): with relative (rotary) positions alone, a unit cannot tell the first phone from the others
/// when sentences differ in length, and a small model learns the phones' order badly. Names: <c>phone_emb</c> (P + 1 rows), <c>unit_emb</c> (K + 1 rows),
/// <c>blocks.{i}</c>, <c>norm</c>, <c>unit_head</c> (K + 1 outputs).
/// </summary>
internal sealed class AutoregressiveTextModel : nn.Module
{
    private readonly AutoregressiveTextConfig config;
    private readonly Embedding phone_emb;
    private readonly Embedding unit_emb;
    private readonly ModuleList<PrefixCausalBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear unit_head;
    private readonly float[] inverseFrequencies;

    /// <summary>Creates the model with PyTorch-default initialisation.</summary>
    public AutoregressiveTextModel(AutoregressiveTextConfig config) : base(nameof(AutoregressiveTextModel))
    {
        this.config = config.Validate();
        inverseFrequencies = Enumerable.Range(0, config.Dim / 2).Select(i => (float)Math.Pow(10000.0, -(double)i / (config.Dim / 2))).ToArray();
        phone_emb = nn.Embedding(config.Phones + 1, config.Dim);
        unit_emb = nn.Embedding(config.Units + 1, config.Dim);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new PrefixCausalBlock(config.Dim, config.Heads, config.FeedForward)).ToArray());
        norm = nn.LayerNorm(config.Dim, eps: 1e-5);
        unit_head = nn.Linear(config.Dim, config.Units + 1);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built with.</summary>
    public AutoregressiveTextConfig Config => config;

    /// <summary>
    /// phones int64 [B, N] (left padding id P), units int64 [B, T] (start id K first), padding bool [B, N + T] (true =
    /// padded key) → logits [B, T, K + 1] of the unit after each input unit.
    /// </summary>
    public Tensor Forward(Tensor phones, Tensor units, Tensor padding)
    {
        long n = phones.shape[1], length = n + units.shape[1];
        Tensor padded = padding[.., ..(int)n].sum(1, keepdim: true);
        Tensor phoneIndex = arange(HeldScalars.Of(0), HeldScalars.Of(n), HeldScalars.Of(1), dtype: int64, device: phones.device).unsqueeze(0) - padded;
        Tensor unitIndex = arange(HeldScalars.Of(0), HeldScalars.Of(units.shape[1]), HeldScalars.Of(1), dtype: int64, device: phones.device).unsqueeze(0);
        Tensor x = cat(new[]
        {
            phone_emb.forward(phones) + Sinusoids(phoneIndex.clamp_min(HeldScalars.Of(0))),
            unit_emb.forward(units) + Sinusoids(unitIndex).expand(units.shape[0], -1, -1),
        }, 1);
        // Key j is hidden from query i when it is padding, or a unit after i (phones see every phone; units see the
        // phones and the units up to themselves).
        Tensor position = arange(HeldScalars.Of(0), HeldScalars.Of(length), HeldScalars.Of(1), dtype: int64, device: phones.device);
        Tensor future = position.unsqueeze(0).gt(position.unsqueeze(1)).logical_and(position.ge(n).unsqueeze(0));
        Tensor blocked = future.unsqueeze(0).logical_or(padding.unsqueeze(1)).unsqueeze(1);
        var (cos, sin) = RotaryTables.Create(length, config.Dim / config.Heads, config.RotaryBase, phones.device);
        foreach (var block in blocks) x = block.Forward(x, blocked, cos, sin);
        return unit_head.forward(norm.forward(x[.., (int)n.., ..]));
    }

    // Transformer sinusoids of integer positions [B, L] → [B, L, D]: sin of the first D/2 frequencies, then cos.
    private Tensor Sinusoids(Tensor positions)
    {
        Tensor angles = positions.to_type(float32).unsqueeze(2) * tensor(inverseFrequencies, device: positions.device);
        return cat(new[] { angles.sin(), angles.cos() }, 2);
    }
}
