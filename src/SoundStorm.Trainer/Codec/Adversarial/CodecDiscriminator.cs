using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec.Adversarial;

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
