using SoundStorm.Export.Checkpoints;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Text;

/// <summary>The losses of one text-to-semantic training step.</summary>
/// <param name="Step">1-based step.</param>
/// <param name="UnitLoss">Cross-entropy of the frames' units.</param>
/// <param name="DurationLoss">Squared error of ln(1 + frames) per phone.</param>
/// <param name="LearningRate">Rate used.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
internal sealed record TextStepRecord(int Step, double UnitLoss, double DurationLoss, double LearningRate, double GradNorm);

/// <summary>Held-out figures at one step: unit accuracy with the true durations, and the duration error in frames.</summary>
internal sealed record TextValidationRecord(int Step, double UnitLoss, double UnitAccuracy, double DurationMeanAbsoluteError);

/// <summary>
/// A <c>train-text</c> checkpoint (safetensors): <c>model.*</c>, <c>adam.m.*</c> / <c>adam.v.*</c> and metadata
/// <c>soundstorm.format</c> (<see cref="Format"/> for the duration model, <see cref="AutoregressiveFormat"/> for the
/// autoregressive one), <c>soundstorm.config</c> (the network's config as JSON), <c>soundstorm.phones</c>
/// (the phone symbols, space-separated), <c>soundstorm.training</c>, <c>soundstorm.step</c>, <c>soundstorm.adam_steps</c>,
/// <c>soundstorm.history</c>, <c>soundstorm.validation</c>.
/// </summary>
internal sealed record TextCheckpoint(string Path, string FormatName, string ConfigJson, IReadOnlyList<string> Phones, TextTrainOptions Options, int Step,
    long AdamSteps, IReadOnlyDictionary<string, CheckpointTensor> Tensors, List<TextStepRecord> History, List<TextValidationRecord> Validations)
{
    /// <summary>Values of <c>soundstorm.format</c>: the duration model, the autoregressive model.</summary>
    public const string Format = "soundstorm-text-to-semantic/1", AutoregressiveFormat = "soundstorm-text-to-semantic-ar/1";

    /// <summary>Whether <paramref name="path"/> is a <c>train-text</c> checkpoint of either network.</summary>
    public static bool IsTextCheckpoint(string path) => CheckpointStore.FormatOf(path) is Format or AutoregressiveFormat;

    /// <summary>Tensor name prefixes.</summary>
    public const string ModelPrefix = "model.", AdamPrefix = "adam.";

    /// <summary>Writes the checkpoint (atomically).</summary>
    public static void Save(string path, ITextUnitsNetwork network, AdamW adam, IReadOnlyList<string> phones, TextTrainOptions options, int step,
        IReadOnlyList<TextStepRecord> history, IReadOnlyList<TextValidationRecord> validations)
    {
        var tensors = new List<CheckpointTensor>(StateDicts.ToCheckpointTensors(network.Module, ModelPrefix));
        tensors.AddRange(CheckpointStore.AdamTensors(adam, AdamPrefix));
        var metadata = CheckpointStore.RunMetadata(options, step, adam, history);
        metadata["soundstorm.config"] = network.ConfigJson();
        metadata["soundstorm.phones"] = string.Join(' ', phones);
        metadata["soundstorm.validation"] = ModelConfigJson.Write(validations);
        CheckpointStore.Write(path, tensors, network.CheckpointFormat, metadata);
    }

    /// <summary>Reads a checkpoint; a damaged or foreign file is a <see cref="CheckpointFormatException"/> naming it.</summary>
    public static TextCheckpoint Load(string path)
    {
        string format = CheckpointStore.FormatOf(path) == AutoregressiveFormat ? AutoregressiveFormat : Format;
        var (content, meta) = CheckpointStore.Open(path, format, "train-text checkpoint");
        return CheckpointStore.ReadMetadata(path, () =>
        {
            string config = meta("soundstorm.config");
            string[] phones = meta("soundstorm.phones").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var options = ModelConfigJson.Read<TextTrainOptions>(meta("soundstorm.training"), path).Validate();
            var (step, adamSteps, tensors, history) = CheckpointStore.ReadRun<TextStepRecord>(content, meta, path);
            return new TextCheckpoint(path, format, config, phones, options, step, adamSteps, tensors, history,
                ModelConfigJson.Read<List<TextValidationRecord>>(meta("soundstorm.validation"), path));
        });
    }

    /// <summary>The network's config, read as <typeparamref name="T"/>.</summary>
    public T ReadConfig<T>() => ModelConfigJson.Read<T>(ConfigJson, Path);

    /// <summary>The tensors under <paramref name="prefix"/>, with the prefix removed.</summary>
    public IReadOnlyDictionary<string, CheckpointTensor> Under(string prefix) => CheckpointStore.Under(Tensors, prefix);
}
