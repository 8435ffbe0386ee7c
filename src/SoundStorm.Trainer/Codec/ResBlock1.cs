using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Export.Codec;
using static TorchSharp.torch;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec;

/// <summary>
/// HiFi-GAN ResBlock1: per dilation d, x = x + convs2(lrelu(convs1(lrelu(x)))), convs1 dilated by d, both "same"
/// padded and weight-normed; names <c>convs1.{p}</c>, <c>convs2.{p}</c>.
/// </summary>
internal sealed class ResBlock1 : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<WeightNormConv1d> convs1;
    private readonly ModuleList<WeightNormConv1d> convs2;

    /// <summary>Creates the block for <paramref name="channels"/> channels.</summary>
    public ResBlock1(long channels, int kernel, int[] dilations) : base(nameof(ResBlock1))
    {
        convs1 = nn.ModuleList(dilations.Select(d => new WeightNormConv1d(channels, channels, kernel, padding: d * (kernel - 1) / 2, dilation: d)).ToArray());
        convs2 = nn.ModuleList(dilations.Select(_ => new WeightNormConv1d(channels, channels, kernel, padding: (kernel - 1) / 2)).ToArray());
        RegisterComponents();
    }

    /// <summary>x [B, C, T] → [B, C, T].</summary>
    public override Tensor forward(Tensor x)
    {
        for (int p = 0; p < convs1.Count; p++)
        {
            var y = x.leaky_relu(HeldScalars.Of(HifiCodecConfig.LeakySlope));
            y = convs1[p].forward(y).leaky_relu(HeldScalars.Of(HifiCodecConfig.LeakySlope));
            x = x + convs2[p].forward(y);
        }
        return x;
    }
}
