using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec.Training;

/// <summary>Settings of a <c>train-codec</c> run; stored in every checkpoint so a resume continues the same run.</summary>
internal sealed record CodecTrainOptions() : TrainingRunOptions(Steps: 20000, BatchSize: 8, LearningRate: 1e-3, MinLearningRate: 1e-4, WarmupSteps: 200, ClipNorm: 10, CheckpointEvery: 250, LogEvery: 25)
{
    /// <summary>Crop length in code frames (samples = frames · hop).</summary>
    public int SegmentFrames { get; init; } = 30;

    /// <summary>Weight of the log-mel L1 loss.</summary>
    public double MelWeight { get; init; } = 1.0;

    /// <summary>Weight of the multi-resolution STFT loss (spectral convergence + log magnitude).</summary>
    public double StftWeight { get; init; } = 1.0;

    /// <summary>Weight of the quantiser's codebook + commitment loss.</summary>
    public double VqWeight { get; init; } = 1.0;

    /// <summary>
    /// Weight of the auxiliary pitch loss: a training-only head predicts each frame's log F0 and voicing from the
    /// quantised latent, so the codes learn to carry the pitch (0 = off; joint runs only).
    /// </summary>
    public double PitchWeight { get; init; }

    /// <summary>Every this many steps, codewords no crop used since the last check are re-drawn from the latents (0 = never).</summary>
    public int RestartEvery { get; init; } = 100;

    /// <summary>Train the decoder only: encoder and codebooks frozen, so the codes of the corpus stay fixed.</summary>
    public bool DecoderOnly { get; init; }

    /// <summary>
    /// Add HiFi-GAN's adversarial training: multi-period + multi-scale discriminators, least-squares GAN and
    /// feature-matching losses for the generator (HiFi-GAN weighs the mel loss 45 against them).
    /// </summary>
    public bool Adversarial { get; init; }

    /// <summary>Discriminator width (first channel count of a period discriminator; HiFi-GAN's is 32).</summary>
    public int DiscriminatorWidth { get; init; } = 8;

    /// <summary>Scale discriminators next to the period ones (HiFi-GAN: 3; 0 = period discriminators only).</summary>
    public int ScaleDiscriminators { get; init; } = 3;

    /// <summary>Weight of the generator's least-squares adversarial loss.</summary>
    public double AdversarialWeight { get; init; } = 1.0;

    /// <summary>Weight of the feature-matching loss.</summary>
    public double FeatureMatchingWeight { get; init; } = 2.0;

    /// <summary>Checks the numbers; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public CodecTrainOptions Validate()
    {
        static void Positive(double value, string name)
        {
            if (!(value > 0)) throw new ArgumentException($"{name} must be positive (found {value}).");
        }
        Positive(Steps, "--steps");
        Positive(BatchSize, "--batch-size");
        Positive(SegmentFrames, "--segment-frames");
        Positive(LearningRate, "--lr");
        Positive(CheckpointEvery, "--checkpoint-every");
        Positive(LogEvery, "--log-every");
        Positive(DiscriminatorWidth, "--discriminator-width");
        if (ScaleDiscriminators < 0) throw new ArgumentException($"--scale-discriminators must not be negative (found {ScaleDiscriminators}).");
        if (MinLearningRate < 0 || WarmupSteps < 0 || ClipNorm < 0 || RestartEvery < 0)
            throw new ArgumentException("--min-lr, --warmup, --clip and --restart-every must not be negative.");
        foreach (var (weight, name) in new[] { (MelWeight, "--mel-weight"), (StftWeight, "--stft-weight"), (VqWeight, "--vq-weight"), (PitchWeight, "--pitch-weight"),
            (AdversarialWeight, "--adversarial-weight"), (FeatureMatchingWeight, "--feature-weight") })
            if (!(weight >= 0) || double.IsInfinity(weight)) throw new ArgumentException($"{name} must be a finite number ≥ 0 (found {weight}).");
        if (MelWeight + StftWeight + (Adversarial ? AdversarialWeight + FeatureMatchingWeight : 0) == 0)
            throw new ArgumentException("every loss that trains the decoder has weight 0 (--mel-weight, --stft-weight and, with --adversarial, " +
                "--adversarial-weight and --feature-weight): nothing would train it.");
        if (PitchWeight > 0 && DecoderOnly)
            throw new ArgumentException("--pitch-weight trains the encoder to carry pitch in its codes; --decoder-only freezes the encoder, so it cannot take it.");
        return this;
    }
}
