using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// A text → semantic-units network that <see cref="TextObjective"/> trains: the duration model
/// (<see cref="DurationTextNetwork"/>, phones → durations → per-frame units) or the autoregressive one
/// (<see cref="Autoregressive.AutoregressiveTextNetwork"/>, phones → the unit sequence, one frame at a time). The
/// trainer owns the loop, optimiser, schedule and checkpoints; the network owns its batches and losses.
/// </summary>
internal interface ITextUnitsNetwork : IDisposable
{
    /// <summary>The trainable modules (their state-dict names are the checkpoint's <c>model.*</c> tensors).</summary>
    nn.Module Module { get; }

    /// <summary>Phone symbols and semantic units the network was built for.</summary>
    int Phones { get; }

    /// <summary>Semantic units K.</summary>
    int Units { get; }

    /// <summary>The checkpoint's <c>soundstorm.format</c> value for this kind of network.</summary>
    string CheckpointFormat { get; }

    /// <summary>The network's configuration as JSON (the checkpoint's <c>soundstorm.config</c>).</summary>
    string ConfigJson();

    /// <summary>Training losses on a batch: the units' cross-entropy, and an auxiliary loss (durations; zero when none).</summary>
    (Tensor UnitLoss, Tensor AuxiliaryLoss) TrainingLosses(IReadOnlyList<TextUnitsUtterance> items, int maxFrames, StepRandom crop);

    /// <summary>Sums over whole utterances in evaluation mode, without gradients (the caller sets both).</summary>
    TextValidationSums Measure(IReadOnlyList<TextUnitsUtterance> items);
}

/// <summary>Validation sums over a set of utterances (teacher-forced).</summary>
/// <param name="UnitLossSum">Units' cross-entropy summed over the predicted positions.</param>
/// <param name="Hits">Positions whose arg-max is the target.</param>
/// <param name="Positions">Predicted positions (frames; the autoregressive network adds one end-of-speech per utterance).</param>
/// <param name="DurationErrorSum">Absolute duration error in frames summed over phones (zero without durations).</param>
/// <param name="Phones">Phones measured.</param>
internal readonly record struct TextValidationSums(double UnitLossSum, long Hits, long Positions, double DurationErrorSum, long Phones)
{
    /// <summary>Element-wise sum.</summary>
    public static TextValidationSums operator +(TextValidationSums a, TextValidationSums b) =>
        new(a.UnitLossSum + b.UnitLossSum, a.Hits + b.Hits, a.Positions + b.Positions, a.DurationErrorSum + b.DurationErrorSum, a.Phones + b.Phones);
}
