using TorchSharp;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Modules;

/// <summary>The sigmoid approximation of GELU used by the seed model: x·σ(1.702·x).</summary>
internal sealed class Gelu2 : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the activation (no parameters).</summary>
    public Gelu2() : base(nameof(Gelu2)) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => x * sigmoid(x * 1.702);
}
