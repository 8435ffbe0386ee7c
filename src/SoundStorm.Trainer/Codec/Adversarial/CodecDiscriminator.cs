using SoundStorm.Trainer.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec.Adversarial;

// HiFi-GAN's discriminators in one file: what each returns, the period and the scale discriminator, and the set of
// them that train-codec --adversarial trains against the codec.

/// <summary>What one sub-discriminator says about a batch: real/fake scores [B, N] and its intermediate activations (for feature matching).</summary>
internal sealed record DiscriminatorOutput(Tensor Scores, IReadOnlyList<Tensor> Features)
{
    /// <summary>HiFi-GAN's sub-discriminator body: each conv then leaky ReLU (slope 0.1), then the score conv; every activation is kept.</summary>
    public static DiscriminatorOutput Run(Tensor x, IEnumerable<nn.Module<Tensor, Tensor>> convs, nn.Module<Tensor, Tensor> scoreConv)
    {
        var features = new List<Tensor>();
        foreach (var conv in convs)
        {
            x = conv.forward(x).leaky_relu(HeldScalars.Of(0.1));
            features.Add(x);
        }
        x = scoreConv.forward(x);
        features.Add(x);
        return new DiscriminatorOutput(x.flatten(1), features);
    }
}

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

/// <summary>
/// HiFi-GAN's discriminator pair as one module: the multi-period discriminator (periods 2, 3, 5, 7, 11) and the
/// multi-scale discriminator (the waveform, then average-pooled by 2 per further scale; HiFi-GAN uses 3 scales, fewer
/// save most of a CPU step: grouped 41-tap convolutions at the full rate are the dearest layers). State-dict names
/// <c>mpd.{i}.*</c>, <c>msd.{i}.*</c>.
/// </summary>
internal sealed class CodecDiscriminator : nn.Module<Tensor, IReadOnlyList<DiscriminatorOutput>>
{
    /// <summary>The multi-period discriminator's periods (HiFi-GAN's primes, so no period divides another).</summary>
    public static readonly int[] Periods = { 2, 3, 5, 7, 11 };

    private readonly ModuleList<PeriodDiscriminator> mpd;
    private readonly ModuleList<ScaleDiscriminator> msd;

    /// <summary>Creates the period discriminators and <paramref name="scales"/> scale discriminators at <paramref name="width"/> (see <see cref="PeriodDiscriminator"/>).</summary>
    public CodecDiscriminator(int width, int scales = 3) : base(nameof(CodecDiscriminator))
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "discriminator width must be at least 1.");
        if (scales < 0) throw new ArgumentOutOfRangeException(nameof(scales), scales, "the number of scale discriminators must not be negative.");
        mpd = nn.ModuleList(Periods.Select(p => new PeriodDiscriminator(p, width)).ToArray());
        msd = nn.ModuleList(Enumerable.Range(0, scales).Select(_ => new ScaleDiscriminator(width)).ToArray());
        RegisterComponents();
    }

    /// <summary>Number of sub-discriminators (entries of <see cref="forward"/>'s result).</summary>
    public int Count => mpd.Count + msd.Count;

    /// <summary>waveform [B, 1, T] → one output per sub-discriminator: the periods first, then the scales.</summary>
    public override IReadOnlyList<DiscriminatorOutput> forward(Tensor waveform)
    {
        var outputs = mpd.Select(d => d.forward(waveform)).ToList();
        var x = waveform;
        for (int i = 0; i < msd.Count; i++)
        {
            if (i > 0) x = nn.functional.avg_pool1d(x, 4, 2, padding: 2);
            outputs.Add(msd[i].forward(x));
        }
        return outputs;
    }
}
