using System.Globalization;
using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// A training checkpoint: one safetensors file holding <c>model.*</c> (the state dict), <c>ema.*</c> (when EMA is on),
/// <c>adam.m.*</c> / <c>adam.v.*</c> (AdamW moments), and metadata: <c>soundstorm.format</c>, <c>soundstorm.config</c>
/// (model JSON), <c>soundstorm.training</c> (options JSON), <c>soundstorm.step</c>, <c>soundstorm.adam_steps</c>,
/// <c>soundstorm.history</c> / <c>soundstorm.validation</c> (curves so far). Randomness is counter-based
/// (<see cref="StepRandom"/>), so seed + step is the complete RNG state.
/// </summary>
internal sealed record TrainingCheckpoint(
    string Path, PaperModelConfig Config, TrainOptions Options, int Step, long AdamSteps,
    IReadOnlyDictionary<string, CheckpointTensor> Tensors, List<StepRecord> History, List<ValidationRecord> Validations)
{
    /// <summary>Value of <c>soundstorm.format</c>.</summary>
    public const string Format = "soundstorm-trainer-checkpoint/1";

    /// <summary>Tensor name prefixes.</summary>
    public const string ModelPrefix = CheckpointStore.ModelPrefix, EmaPrefix = "ema.", AdamPrefix = CheckpointStore.AdamPrefix;

    /// <summary>True when the file holds EMA weights.</summary>
    public bool HasEma => Tensors.Keys.Any(k => k.StartsWith(EmaPrefix, StringComparison.Ordinal));

    /// <summary>Writes a checkpoint (atomically: temporary file, then rename).</summary>
    public static void Save(string path, nn.Module model, nn.Module? ema, AdamW adam, PaperModelConfig config, TrainOptions options,
        int step, IReadOnlyList<StepRecord> history, IReadOnlyList<ValidationRecord> validations)
    {
        var tensors = new List<CheckpointTensor>(StateDicts.ToCheckpointTensors(model, ModelPrefix));
        if (ema is not null) tensors.AddRange(StateDicts.ToCheckpointTensors(ema, EmaPrefix));
        tensors.AddRange(CheckpointStore.AdamTensors(adam, AdamPrefix));
        var metadata = CheckpointStore.RunMetadata(options, step, adam, history);
        metadata["soundstorm.config"] = ModelConfigJson.Write(config);
        metadata["soundstorm.validation"] = ModelConfigJson.Write(validations);
        CheckpointStore.Write(path, tensors, Format, metadata);
    }

    /// <summary>Writes this checkpoint's tensors and metadata as they are (atomically), e.g. after editing them.</summary>
    public void WriteTo(string path)
    {
        var metadata = new Dictionary<string, string>
        {
            ["soundstorm.training"] = ModelConfigJson.Write(Options),
            ["soundstorm.step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.adam_steps"] = AdamSteps.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.history"] = ModelConfigJson.Write(History),
            ["soundstorm.config"] = ModelConfigJson.Write(Config),
            ["soundstorm.validation"] = ModelConfigJson.Write(Validations),
        };
        CheckpointStore.Write(path, Tensors.Values, Format, metadata);
    }

    /// <summary>Reads a checkpoint; a damaged or foreign file is a <see cref="CheckpointFormatException"/> naming it.</summary>
    public static TrainingCheckpoint Load(string path)
    {
        var (content, meta) = CheckpointStore.Open(path, Format, "soundstorm-train checkpoint");
        return CheckpointStore.ReadMetadata(path, () =>
        {
            var config = ModelConfigJson.ReadConfig(meta("soundstorm.config"), path);
            var options = ModelConfigJson.Read<TrainOptions>(meta("soundstorm.training"), path).Validate();
            var (step, adamSteps, tensors, history) = CheckpointStore.ReadRun<StepRecord>(content, meta, path);
            return new TrainingCheckpoint(path, config, options, step, adamSteps, tensors, history,
                ModelConfigJson.Read<List<ValidationRecord>>(meta("soundstorm.validation"), path));
        });
    }

    /// <summary>The tensors under <paramref name="prefix"/>, with the prefix removed.</summary>
    public IReadOnlyDictionary<string, CheckpointTensor> Under(string prefix) => CheckpointStore.Under(Tensors, prefix);
}
