namespace SoundStorm.Trainer.Tests.Paper;

/// <summary>
/// A warm restart (<c>PaperObjective.StartFrom</c>) begins with the checkpoint's model but a fresh optimiser,
/// schedule and step count; a wall-time limit stops a run after the step in progress, with a checkpoint to resume.
/// </summary>
public sealed class StartFromTests
{
    private static readonly PaperModelConfig Tiny = TinyPaperRun.Config;

    private static readonly TrainOptions Short = TinyPaperRun.Options with { EmaDecay = 0 }; // the warm restart adds the EMA

    [Fact]
    public void Warm_restart_starts_at_the_checkpoint_model_with_a_new_schedule()
    {
        using var temp = new TempFolder();
        var dataset = TinyPaperRun.Dataset(temp);
        TrainingResult first;
        ValidationRecord finalValidation;
        using (var trainer = new PaperObjective(Tiny, Short, dataset, temp.Sub("first")))
        {
            first = trainer.Run();
            finalValidation = trainer.Evaluate(trainer.Model, trainer.ValidationSet);
        }

        var warm = Short with { Steps = 3, WarmupSteps = 3, LearningRate = 3e-3, EmaDecay = 0.5 }; // same seed: validation draws are keyed by it
        using var restarted = PaperObjective.StartFrom(first.CheckpointPath, warm, dataset, temp.Sub("second"));
        // Same weights (the EMA copy included) give the same validation figures before any step.
        Assert.Equal(finalValidation.Loss, restarted.Evaluate(restarted.Model, restarted.ValidationSet).Loss);
        Assert.Equal(finalValidation.Loss, restarted.Evaluate(restarted.EmaModel!, restarted.ValidationSet).Loss);

        var second = restarted.Run();
        Assert.Equal([1, 2, 3], second.History.Select(h => h.Step));
        Assert.Equal(1e-3, second.History[0].LearningRate, 12); // step 1 of a 3-step warm-up to 3e-3: a fresh schedule
        Assert.Equal(3, TrainingCheckpoint.Load(second.CheckpointPath).Step);
        Assert.True(TrainingCheckpoint.Load(second.CheckpointPath).HasEma);
    }

    [Fact]
    public void Time_limit_stops_after_the_current_step_with_a_resumable_checkpoint()
    {
        using var temp = new TempFolder();
        var dataset = TinyPaperRun.Dataset(temp);
        TrainingResult straight;
        using (var trainer = new PaperObjective(Tiny, Short, dataset, temp.Sub("straight"))) straight = trainer.Run();

        TrainingResult stopped;
        using (var trainer = new PaperObjective(Tiny, Short, dataset, temp.Sub("timed"))) stopped = trainer.Run(timeLimit: TimeSpan.Zero);
        Assert.Single(stopped.History);
        Assert.Equal(1, TrainingCheckpoint.Load(stopped.CheckpointPath).Step);

        using var resumed = PaperObjective.Resume(stopped.CheckpointPath, dataset, temp.Sub("timed"));
        Assert.Equal(straight.History.Select(h => h.Loss), resumed.Run().History.Select(h => h.Loss));
    }
}
