using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec.Adversarial;

/// <summary>
/// One sub-discriminator of HiFi-GAN's multi-period discriminator: the waveform [B, 1, T] is padded (reflect) to a
/// multiple of the period p and folded to [B, 1, T/p, p], so every column holds samples p apart; (5, 1) convolutions
/// with stride 3 then judge the periodic structure a spectral loss cannot see. Channels are HiFi-GAN's divided down:
/// width w gives w, 4w, 16w, 32w, 32w (HiFi-GAN: w = 32).
/// </summary>
internal sealed class PeriodDiscriminator : nn.Module<Tensor, DiscriminatorOutput>
{
    private readonly ModuleList<Conv2d> convs;
    private readonly Conv2d conv_post;

    /// <summary>Creates the sub-discriminator for <paramref name="period"/> samples at <paramref name="width"/>.</summary>
    public PeriodDiscriminator(int period, int width) : base(nameof(PeriodDiscriminator))
    {
        Period = period;
        int[] channels = { 1, width, 4 * width, 16 * width, 32 * width, 32 * width };
        var layers = new List<Conv2d>();
        for (int i = 0; i + 1 < channels.Length; i++)
        {
            long stride = i + 2 < channels.Length ? 3 : 1; // the last conv keeps the length
            layers.Add(nn.Conv2d(channels[i], channels[i + 1], (5, 1), stride: (stride, 1), padding: (2, 0)));
        }
        convs = nn.ModuleList(layers.ToArray());
        conv_post = nn.Conv2d(channels[^1], 1, (3, 1), padding: (1, 0));
        RegisterComponents();
    }

    /// <summary>The folding period in samples.</summary>
    public int Period { get; }

    /// <summary>waveform [B, 1, T] → scores [B, N] and the activation after every conv.</summary>
    public override DiscriminatorOutput forward(Tensor waveform)
    {
        long batch = waveform.shape[0], samples = waveform.shape[2];
        long pad = (Period - samples % Period) % Period;
        var x = pad > 0 ? nn.functional.pad(waveform, new[] { 0L, pad }, PaddingModes.Reflect) : waveform;
        return DiscriminatorOutput.Run(x.view(batch, 1, (samples + pad) / Period, Period), convs, conv_post);
    }
}
