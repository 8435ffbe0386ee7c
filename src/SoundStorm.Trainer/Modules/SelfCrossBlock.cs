using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Modules;

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
