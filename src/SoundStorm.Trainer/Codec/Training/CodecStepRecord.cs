namespace SoundStorm.Trainer.Codec.Training;

/// <summary>The losses of one codec training step.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Loss">The weighted total that was minimised.</param>
/// <param name="Mel">Log-mel L1.</param>
/// <param name="Stft">Multi-resolution STFT loss.</param>
/// <param name="Vq">Codebook + commitment loss (0 when the quantiser is frozen).</param>
/// <param name="LearningRate">Rate used for the update.</param>
internal sealed record CodecStepRecord(int Step, double Loss, double Mel, double Stft, double Vq, double LearningRate)
{
    /// <summary>Auxiliary pitch loss: voicing cross-entropy + voiced-frame log-F0 L1 (0 without <c>--pitch-weight</c>).</summary>
    public double Pitch { get; init; }

    /// <summary>Generator's least-squares adversarial loss (0 without <c>--adversarial</c>).</summary>
    public double Adversarial { get; init; }

    /// <summary>Feature-matching loss (0 without <c>--adversarial</c>).</summary>
    public double FeatureMatching { get; init; }

    /// <summary>The discriminators' own loss in this step (0 without <c>--adversarial</c>).</summary>
    public double Discriminator { get; init; }
}
