namespace SoundStorm.Trainer.Training;

/// <summary>Everything that shapes a training run (saved in every checkpoint so a resume continues the same run).</summary>
internal sealed record TrainOptions() : TrainingRunOptions(Steps: 1000, BatchSize: 8, LearningRate: 5e-4, MinLearningRate: 1e-5, WarmupSteps: 100, ClipNorm: 1.0, CheckpointEvery: 500, LogEvery: 50)
{
    /// <summary>Longer utterances are cut to a random window of this many frames.</summary>
    public int MaxFrames { get; init; } = 500;

    /// <summary>Seed family: prompt length P of the upstream split (targets are at most <see cref="MaxFrames"/>).</summary>
    public int SeedPromptFrames { get; init; } = 150;

    /// <summary>The prompt is 0..⌊fraction·T⌋ frames.</summary>
    public double MaxPromptFraction { get; init; } = 0.5;

    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>AdamW β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW β₂.</summary>
    public double Beta2 { get; init; } = 0.98;

    /// <summary>EMA decay (0 = no EMA).</summary>
    public double EmaDecay { get; init; }

    /// <summary>
    /// Relative chance of each level being the one a training item predicts (null = uniform, the paper's choice). With a
    /// group-residual codec several levels are coarse and decide intelligibility; weighting them spends more of a small
    /// compute budget where it matters.
    /// </summary>
    public double[]? LevelWeights { get; init; }

    /// <summary>Fraction of utterances (the last ones in dataset.json) held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>Validate every this many steps (0 = only at the end).</summary>
    public int ValidateEvery { get; init; } = 500;

    /// <summary>Token frames per second of the training data (copied from dataset.json; the export needs it).</summary>
    public double FrameRate { get; init; }

    /// <summary>Checks the numbers.</summary>
    public TrainOptions Validate()
    {
        if (Steps <= 0 || BatchSize <= 0 || MaxFrames <= 1) throw new ArgumentException("steps, batch size and max frames (≥ 2) must be positive.");
        if (LearningRate <= 0 || MinLearningRate < 0 || WarmupSteps < 0) throw new ArgumentException("learning rates must be positive and warm-up ≥ 0.");
        if (MaxPromptFraction is < 0 or >= 1) throw new ArgumentException($"max prompt fraction {MaxPromptFraction} must lie in [0, 1).");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentException($"validation fraction {ValidationFraction} must lie in [0, 1).");
        if (EmaDecay is < 0 or >= 1) throw new ArgumentException($"EMA decay {EmaDecay} must lie in [0, 1).");
        if (LevelWeights is { } weights && (weights.Any(w => !double.IsFinite(w) || w < 0) || !(weights.Sum() > 0)))
            throw new ArgumentException($"level weights [{string.Join(", ", weights)}] must be finite, non-negative and not all zero.");
        return this;
    }
}
