using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

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
