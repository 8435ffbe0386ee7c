using SoundStorm.Trainer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// The seed's U-Net down path as a combiner: DoubleConv over the (level, frame) grid (<c>inc</c>), max over levels,
/// DoubleConv (<c>down</c>). [B, Q, T, D] per-level embeddings → [B, T, D].
/// </summary>
internal sealed class UNetCombiner : nn.Module<Tensor, Tensor>
{
    private readonly DoubleConv inc;
    private readonly DoubleConv down;

    /// <summary>Creates the combiner for width <paramref name="dim"/>.</summary>
    public UNetCombiner(long dim) : base(nameof(UNetCombiner))
    {
        inc = new DoubleConv(dim, dim);
        down = new DoubleConv(dim, dim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor perLevel)
    {
        Tensor grid = perLevel.permute(0, 3, 1, 2); // [B, D, Q, T]
        Tensor pooled = inc.forward(grid).amax(new long[] { 2 }, keepdim: true);
        return down.forward(pooled).squeeze(2).transpose(1, 2);
    }
}
