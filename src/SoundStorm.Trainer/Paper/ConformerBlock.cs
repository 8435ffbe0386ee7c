using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

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
