using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

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
