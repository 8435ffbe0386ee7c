using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text.Autoregressive;

/// <summary>The autoregressive text network: <see cref="AutoregressiveTextModel"/> trained on next-unit cross-entropy (teacher forcing).</summary>
internal sealed class AutoregressiveTextNetwork(AutoregressiveTextConfig config)
    : TextUnitsNetwork<AutoregressiveTextModel>(new AutoregressiveTextModel(config.Validate()), config.Phones, config.Units, ModelConfigJson.Write(config)), ITextUnitsNetwork
{
    /// <inheritdoc />
    public string CheckpointFormat => TextCheckpoint.AutoregressiveFormat;

    /// <inheritdoc />
    public (Tensor UnitLoss, Tensor AuxiliaryLoss) TrainingLosses(IReadOnlyList<TextUnitsUtterance> items, int maxFrames, StepRandom crop)
    {
        var (phones, units, padding, targets) = AutoregressiveTextBatch.Build(items, maxFrames, config.Phones, config.Units, crop).ToTensors();
        Tensor logits = Model.Forward(phones, units, padding);
        return (nn.functional.cross_entropy(logits.view(-1, config.Units + 1), targets.view(-1), ignore_index: TextBatch.Ignore), zeros(1));
    }

    /// <inheritdoc />
    public TextValidationSums Measure(IReadOnlyList<TextUnitsUtterance> items)
    {
        var (phones, units, padding, targets) = AutoregressiveTextBatch.Build(items, int.MaxValue, config.Phones, config.Units, null).ToTensors();
        Tensor logits = Model.Forward(phones, units, padding);
        Tensor real = targets.ne(TextBatch.Ignore);
        long positions = real.sum().item<long>();
        double loss = nn.functional.cross_entropy(logits.view(-1, config.Units + 1), targets.view(-1), ignore_index: TextBatch.Ignore).item<float>();
        long hits = logits.argmax(2).eq(targets).logical_and(real).sum().item<long>();
        return new TextValidationSums(loss * positions, hits, positions, 0, items.Sum(u => (long)u.Phones.Length));
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
