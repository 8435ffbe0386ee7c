namespace SoundStorm.Trainer.Text;

/// <summary>Training settings of the text-to-semantic model (<c>train-text</c>).</summary>
internal sealed record TextTrainOptions
{
    /// <summary>Total optimiser steps (the cosine schedule ends here).</summary>
    public int Steps { get; init; } = 4000;

    /// <summary>Utterances per batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Longest stretch of frames taken from one utterance (whole phones from a random one on).</summary>
    public int MaxFrames { get; init; } = 400;

    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Learning rate at the end of the cosine decay.</summary>
    public double MinLearningRate { get; init; } = 2e-5;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 200;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Global gradient-norm limit (0 = off).</summary>
    public double ClipNorm { get; init; } = 1;

    /// <summary>Weight of the duration loss (squared error of ln(1 + frames)) beside the units' cross-entropy.</summary>
    public double DurationWeight { get; init; } = 1;

    /// <summary>Seed of initialisation, data order and crops.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Last fraction of the dataset held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>Checkpoint (and validation) interval in steps.</summary>
    public int CheckpointEvery { get; init; } = 250;

    /// <summary>Progress line interval in steps.</summary>
    public int LogEvery { get; init; } = 50;

    /// <summary>Checks the numbers.</summary>
    public TextTrainOptions Validate()
    {
        if (Steps <= 0 || BatchSize <= 0 || MaxFrames <= 0) throw new ArgumentException("--steps, --batch-size and --max-frames must be positive.");
        if (LearningRate <= 0 || MinLearningRate < 0 || MinLearningRate > LearningRate) throw new ArgumentException("--lr must be positive and --min-lr in 0..--lr.");
        if (WarmupSteps < 0 || ClipNorm < 0 || DurationWeight < 0 || WeightDecay < 0) throw new ArgumentException("--warmup, --clip, --duration-weight and --weight-decay must not be negative.");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentException("--validation-fraction must be in [0, 1).");
        return this;
    }
}
