namespace SoundStorm.Trainer.Training;

/// <summary>
/// What every family's run options share: the run's length and batch, the AdamW schedule (linear warm-up, cosine decay),
/// clipping, the seed and the loop's cadence. Each family's options derive from it with their own defaults and checks;
/// a checkpoint's options JSON holds these fields beside the family's own.
/// </summary>
/// <param name="Steps">Total optimiser steps (the cosine decay reaches <paramref name="MinLearningRate"/> here).</param>
/// <param name="BatchSize">Items per batch (utterances, or the codec's crops).</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="MinLearningRate">Learning rate at the end of the cosine decay.</param>
/// <param name="WarmupSteps">Linear warm-up steps.</param>
/// <param name="ClipNorm">Global gradient-norm limit (0 = no clipping).</param>
/// <param name="CheckpointEvery">Checkpoint interval in steps (a checkpoint is also written at the end and when time runs out; 0 = only then, where the family allows it).</param>
/// <param name="LogEvery">Progress line interval in steps.</param>
internal abstract record TrainingRunOptions(int Steps, int BatchSize, double LearningRate, double MinLearningRate, int WarmupSteps, double ClipNorm,
    int CheckpointEvery, int LogEvery)
{
    /// <summary>Seed of the initialisation and of every draw the run keys by (seed, step).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The learning rate of each step: warm-up to <see cref="LearningRate"/>, cosine decay to <see cref="MinLearningRate"/> at <see cref="Steps"/>.</summary>
    public LearningRateSchedule LearningRates() => new(LearningRate, WarmupSteps, Steps, MinLearningRate);

    /// <summary>The loop's cadence with the family's validation interval (0 = only at the end).</summary>
    public LoopCadence Cadence(int validateEvery) => new(Steps, LogEvery, validateEvery, CheckpointEvery, ClipNorm);
}
