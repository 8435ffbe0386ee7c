using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text.Autoregressive;

/// <summary>The autoregressive text network: <see cref="AutoregressiveTextModel"/> trained on next-unit cross-entropy (teacher forcing).</summary>
internal sealed class AutoregressiveTextNetwork(AutoregressiveTextConfig config) : ITextUnitsNetwork
{
    private readonly AutoregressiveTextModel _model = new(config.Validate());

    /// <inheritdoc />
    public nn.Module Module => _model;

    /// <summary>The model.</summary>
    public AutoregressiveTextModel Model => _model;

    /// <inheritdoc />
    public int Phones => config.Phones;

    /// <inheritdoc />
    public int Units => config.Units;

    /// <inheritdoc />
    public string CheckpointFormat => TextCheckpoint.AutoregressiveFormat;

    /// <inheritdoc />
    public string ConfigJson() => ModelConfigJson.Write(config);

    /// <inheritdoc />
    public (Tensor UnitLoss, Tensor AuxiliaryLoss) TrainingLosses(IReadOnlyList<TextUnitsUtterance> items, int maxFrames, StepRandom crop)
    {
        var (phones, units, padding, targets) = AutoregressiveTextBatch.Build(items, maxFrames, config.Phones, config.Units, crop).ToTensors();
        Tensor logits = _model.Forward(phones, units, padding);
        return (nn.functional.cross_entropy(logits.view(-1, config.Units + 1), targets.view(-1), ignore_index: TextBatch.Ignore), zeros(1));
    }

    /// <inheritdoc />
    public TextValidationSums Measure(IReadOnlyList<TextUnitsUtterance> items)
    {
        var (phones, units, padding, targets) = AutoregressiveTextBatch.Build(items, int.MaxValue, config.Phones, config.Units, null).ToTensors();
        Tensor logits = _model.Forward(phones, units, padding);
        Tensor real = targets.ne(TextBatch.Ignore);
        long positions = real.sum().item<long>();
        double loss = nn.functional.cross_entropy(logits.view(-1, config.Units + 1), targets.view(-1), ignore_index: TextBatch.Ignore).item<float>();
        long hits = logits.argmax(2).eq(targets).logical_and(real).sum().item<long>();
        return new TextValidationSums(loss * positions, hits, positions, 0, items.Sum(u => (long)u.Phones.Length));
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}
