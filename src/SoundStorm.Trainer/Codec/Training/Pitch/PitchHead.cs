using TorchSharp.Modules;
using static TorchSharp.torch;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec.Training.Pitch;

/// <summary>
/// Training-only head on the quantised latent: per frame, a log-F0 prediction (relative to <see cref="ReferenceLogF0"/>)
/// and a voicing logit. Its loss reaches the encoder through the quantiser's straight-through path, so the codes
/// must carry the pitch the decoder is to render; it is not part of the exported codec.
/// </summary>
internal sealed class PitchHead : nn.Module<Tensor, Tensor>
{
    /// <summary>ln 150 Hz: the head predicts log F0 around it, so a zero output is a plausible voice.</summary>
    public static readonly double ReferenceLogF0 = Math.Log(150);

    private readonly Conv1d conv;

    /// <summary>A head for latents of <paramref name="latentDim"/> channels (3-frame context).</summary>
    public PitchHead(int latentDim) : base(nameof(PitchHead))
    {
        conv = nn.Conv1d(latentDim, 2, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>Latent [B, D, T] → [B, 2, T]: channel 0 log F0 − <see cref="ReferenceLogF0"/>, channel 1 voicing logit.</summary>
    public override Tensor forward(Tensor latent) => conv.forward(latent);

    /// <summary>
    /// Voicing binary cross-entropy over all frames plus the L1 log-F0 error over voiced frames (mean; 0 when no frame
    /// is voiced), for a head output [B, 2, T] and targets from <see cref="FramePitch.Estimate"/>.
    /// </summary>
    public static Tensor Loss(Tensor output, Tensor logF0, Tensor voiced)
    {
        var predicted = output.select(1, 0) + ReferenceLogF0;
        var voicing = nn.functional.binary_cross_entropy_with_logits(output.select(1, 1), voiced);
        var pitchError = ((predicted - logF0).abs() * voiced).sum() / voiced.sum().clamp_min(HeldScalars.Of(1));
        return voicing + pitchError;
    }
}
