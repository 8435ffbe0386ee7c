using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Text;

/// <summary>Training settings of the text-to-semantic model (<c>train-text</c>).</summary>
internal sealed record TextTrainOptions() : TrainingRunOptions(Steps: 4000, BatchSize: 16, LearningRate: 5e-4, MinLearningRate: 2e-5, WarmupSteps: 200, ClipNorm: 1, CheckpointEvery: 250, LogEvery: 50)
{
    /// <summary>Longest stretch of frames taken from one utterance (whole phones from a random one on).</summary>
    public int MaxFrames { get; init; } = 400;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Weight of the duration loss (squared error of ln(1 + frames)) beside the units' cross-entropy.</summary>
    public double DurationWeight { get; init; } = 1;

    /// <summary>Last fraction of the dataset held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.05;

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
