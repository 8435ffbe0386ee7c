using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Modules;

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
