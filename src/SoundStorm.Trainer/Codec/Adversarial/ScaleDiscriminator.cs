using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec.Adversarial;

/// <summary>
/// One sub-discriminator of HiFi-GAN's (MelGAN's) multi-scale discriminator: strided, grouped 1-D convolutions over the
/// waveform [B, 1, T]. Width w gives channels 4w, 4w, 8w, 16w, 32w, 32w, 32w (HiFi-GAN: w = 32); group counts are
/// HiFi-GAN's, reduced where a group would hold fewer than two channels.
/// </summary>
internal sealed class ScaleDiscriminator : nn.Module<Tensor, DiscriminatorOutput>
{
    private readonly ModuleList<Conv1d> convs;
    private readonly Conv1d conv_post;

    /// <summary>Creates the sub-discriminator at <paramref name="width"/>.</summary>
    public ScaleDiscriminator(int width) : base(nameof(ScaleDiscriminator))
    {
        // (in, out, kernel, stride, groups, padding) after HiFi-GAN's DiscriminatorS.
        var layout = new (int In, int Out, int Kernel, int Stride, int Groups, int Padding)[]
        {
            (1, 4 * width, 15, 1, 1, 7),
            (4 * width, 4 * width, 41, 2, 4, 20),
            (4 * width, 8 * width, 41, 2, 16, 20),
            (8 * width, 16 * width, 41, 4, 16, 20),
            (16 * width, 32 * width, 41, 4, 16, 20),
            (32 * width, 32 * width, 41, 1, 16, 20),
            (32 * width, 32 * width, 5, 1, 1, 2),
        };
        convs = nn.ModuleList(layout.Select(l =>
            nn.Conv1d(l.In, l.Out, l.Kernel, stride: l.Stride, padding: l.Padding, groups: Groups(l.In, l.Out, l.Groups))).ToArray());
        conv_post = nn.Conv1d(32 * width, 1, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>waveform [B, 1, T] → scores [B, N] and the activation after every conv.</summary>
    public override DiscriminatorOutput forward(Tensor waveform)
    {
        return DiscriminatorOutput.Run(waveform, convs, conv_post);
    }

    // The largest group count ≤ the wanted one that divides both channel counts and leaves ≥ 2 channels per group.
    private static long Groups(int inChannels, int outChannels, int wanted)
    {
        for (int g = wanted; g > 1; g--)
            if (inChannels % g == 0 && outChannels % g == 0 && inChannels / g >= 2) return g;
        return 1;
    }
}
