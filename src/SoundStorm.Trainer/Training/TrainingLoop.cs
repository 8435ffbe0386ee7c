using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Training;

/// <summary>What the loop has just done to the weights: the 1-based step, the rate used and the gradient norm before clipping.</summary>
internal readonly record struct StepUpdate(int Step, double LearningRate, double GradNorm);

/// <summary>
/// One step's loss (a scalar with a graph back to the trained parameters) and what runs after AdamW's update — an
/// EMA, the diffusion step statistics, codebook restarts — returning the step's record.
/// </summary>
internal readonly record struct StepLoss<TRecord>(Tensor Loss, Func<StepUpdate, TRecord> AfterUpdate);

/// <summary>
/// What one model family adds to the <see cref="TrainingLoop{TRecord}"/>: its batch and loss, its progress figures,
/// its held-out evaluation and its checkpoint. Everything else — the step order, the optimiser step, logging,
/// validation and checkpoint cadence, stopping — is the loop's, and the same for every family.
/// </summary>
internal interface ITrainingObjective<TRecord>
{
    /// <summary>
    /// The loss of step <paramref name="step"/> (0-based). Every draw is keyed by (seed, step), so a resumed run
    /// repeats the straight one. An objective with a second optimiser (the codec's discriminators) updates it here,
    /// at <paramref name="learningRate"/>.
    /// </summary>
    StepLoss<TRecord> Loss(int step, double learningRate);

    /// <summary>The figures of the progress line for the steps since the last line (loss, rate, norm…).</summary>
    string Progress(IReadOnlyList<TRecord> sinceLastLine);

    /// <summary>Evaluates held-out data after step <paramref name="step"/>, logging and recording the result; most objectives have none.</summary>
    void Validate(int step)
    {
    }

    /// <summary>Writes the run's checkpoint after step <paramref name="step"/> (weights, optimiser state, history).</summary>
    void Save(string path, int step, IReadOnlyList<TRecord> history);
}

/// <summary>How long a run is and how often it logs, validates and checkpoints (0 = only at the end).</summary>
internal sealed record LoopCadence(int Steps, int LogEvery, int ValidateEvery, int CheckpointEvery, double ClipNorm);

/// <summary>
/// The training loop of every family, nanoGPT's <c>train.py</c> in a few lines: for each step, the objective's loss,
/// zero the gradients, backward, clip the global norm, AdamW at the scheduled rate, the objective's after-update; a
/// progress line every <see cref="LoopCadence.LogEvery"/> steps, validation every
/// <see cref="LoopCadence.ValidateEvery"/>, a checkpoint every <see cref="LoopCadence.CheckpointEvery"/>, and all
/// three at the end — the last step, <c>stopAfter</c>, or the step during which the time limit passed (a resume
/// continues from that checkpoint).
/// </summary>
internal sealed class TrainingLoop<TRecord>(
    ITrainingObjective<TRecord> objective, AdamW adam, LearningRateSchedule schedule, LoopCadence cadence, string checkpointPath, TextWriter log)
{
    /// <summary>Steps completed (a resumed run starts at its checkpoint's).</summary>
    public int Step { get; set; }

    /// <summary>The record of every step so far, the resumed run's included.</summary>
    public List<TRecord> History { get; } = [];

    /// <summary>Where the checkpoint is written.</summary>
    public string CheckpointPath => checkpointPath;

    /// <summary>Trains to <see cref="LoopCadence.Steps"/>, <paramref name="stopAfter"/> or <paramref name="timeLimit"/>, whichever comes first.</summary>
    public void Run(int? stopAfter = null, TimeSpan? timeLimit = null)
    {
        int last = Math.Min(cadence.Steps, stopAfter ?? int.MaxValue);
        var clock = Stopwatch.StartNew();
        int startStep = Step, lineStart = History.Count;
        while (Step < last)
        {
            History.Add(TrainStep(Step));
            Step++;
            bool outOfTime = timeLimit is { } limit && clock.Elapsed >= limit;
            bool end = Step == last || outOfTime;
            if (Step % Math.Max(1, cadence.LogEvery) == 0 || end)
            {
                double rate = (Step - startStep) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {Step}/{cadence.Steps}  {objective.Progress(History.GetRange(lineStart, History.Count - lineStart))}  {rate:F2} steps/s  {clock.Elapsed:hh\\:mm\\:ss}"));
                lineStart = History.Count;
            }
            if ((cadence.ValidateEvery > 0 && Step % cadence.ValidateEvery == 0) || end) objective.Validate(Step);
            if ((cadence.CheckpointEvery > 0 && Step % cadence.CheckpointEvery == 0) || end) objective.Save(checkpointPath, Step, History);
            if (outOfTime)
            {
                log.WriteLine($"time limit reached after step {Step}; checkpoint written, continue with --resume {checkpointPath}");
                break;
            }
        }
    }

    private TRecord TrainStep(int step)
    {
        using var scope = NewDisposeScope();
        double lr = schedule.At(step);
        var (loss, afterUpdate) = objective.Loss(step, lr);
        adam.ZeroGrad();
        loss.backward();
        double norm = adam.ClipGradNorm(cadence.ClipNorm);
        adam.Step(lr);
        return afterUpdate(new StepUpdate(step + 1, lr, norm));
    }
}
