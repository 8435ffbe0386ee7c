using SoundStorm.Export.Text;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// The duration (FastSpeech-like) text network: <see cref="TextToSemanticModel"/> trained with each frame's unit given
/// the true durations (teacher forcing) plus the squared error of the predicted ln(1 + duration) of each phone.
/// </summary>
internal sealed class DurationTextNetwork(TextToSemanticConfig config)
    : TextUnitsNetwork<TextToSemanticModel>(new TextToSemanticModel(config.Validate()), config.Phones, config.Units, ModelConfigJson.Write(config)), ITextUnitsNetwork
{
    /// <inheritdoc />
    public string CheckpointFormat => TextCheckpoint.Format;

    /// <inheritdoc />
    public (Tensor UnitLoss, Tensor AuxiliaryLoss) TrainingLosses(IReadOnlyList<TextUnitsUtterance> items, int maxFrames, StepRandom crop)
    {
        var (unitLoss, durationLoss, _, _) = Losses(TextBatch.Build(items, maxFrames, config.Phones, config.MaxPhoneFrames, crop));
        return (unitLoss, durationLoss);
    }

    /// <inheritdoc />
    public TextValidationSums Measure(IReadOnlyList<TextUnitsUtterance> items)
    {
        var (unitLoss, _, hits, error) = Losses(TextBatch.Build(items, int.MaxValue, config.Phones, config.MaxPhoneFrames, null));
        long frames = items.Sum(u => (long)u.Units.Length);
        return new TextValidationSums(unitLoss.item<float>() * frames, hits, frames, error, items.Sum(u => (long)u.Phones.Length));
    }

    // Unit cross-entropy over real frames, duration squared error over real phones, and (outside training) the arg-max
    // hits and the absolute duration error in frames, summed.
    private (Tensor UnitLoss, Tensor DurationLoss, long Hits, double DurationError) Losses(TextBatch batch)
    {
        var (phones, phonePadding, logDurations, framePhone, frameOffset, frameLength, framePadding, units) = batch.ToTensors();
        var (predicted, logits) = Model.Forward(phones, phonePadding, framePhone, frameOffset, frameLength, framePadding);
        Tensor unitLoss = nn.functional.cross_entropy(logits.view(-1, config.Units), units.view(-1), ignore_index: TextBatch.Ignore);
        Tensor real = phonePadding.logical_not();
        Tensor durationLoss = (predicted - logDurations).square().masked_select(real).mean();
        if (Model.training) return (unitLoss, durationLoss, 0, 0);
        long hits = logits.argmax(2).eq(units).sum().item<long>();
        double error = (predicted.exp() - logDurations.exp()).abs().masked_select(real).sum().item<float>();
        return (unitLoss, durationLoss, hits, error);
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
