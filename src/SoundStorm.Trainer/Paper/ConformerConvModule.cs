using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

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
