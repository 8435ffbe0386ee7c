using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Modules;

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
