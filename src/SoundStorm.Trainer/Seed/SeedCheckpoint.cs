using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Seed;

/// <summary>
/// A seed-family training checkpoint: safetensors with <c>model.*</c>, <c>adam.m.*</c> / <c>adam.v.*</c>,
/// <c>diffusion.lt_history</c> / <c>diffusion.lt_count</c> (float32, as upstream's buffers) and metadata <c>soundstorm.format</c>,
/// <c>soundstorm.seed_config</c>, <c>soundstorm.training</c>, <c>soundstorm.step</c>, <c>soundstorm.adam_steps</c>,
/// <c>soundstorm.history</c>.
/// </summary>
internal sealed record SeedCheckpoint(string Path, SeedModelConfig Config, TrainOptions Options, int Step, long AdamSteps,
    IReadOnlyDictionary<string, CheckpointTensor> Tensors, List<StepRecord> History)
{
    /// <summary>Value of <c>soundstorm.format</c>.</summary>
    public const string Format = "soundstorm-trainer-seed-checkpoint/1";

    /// <summary>Writes the checkpoint.</summary>
    public static void Save(string path, nn.Module model, AdamW adam, TimestepSampler sampler, SeedModelConfig config, TrainOptions options,
        int step, IReadOnlyList<StepRecord> history)
    {
        var tensors = new List<CheckpointTensor>(StateDicts.ToCheckpointTensors(model, CheckpointStore.ModelPrefix));
        tensors.AddRange(CheckpointStore.AdamTensors(adam, CheckpointStore.AdamPrefix));
        using (var history64 = tensor(sampler.History.Select(v => (float)v).ToArray())) tensors.Add(StateDicts.ToCheckpointTensor("diffusion.lt_history", history64));
        using (var count64 = tensor(sampler.Count.Select(v => (float)v).ToArray())) tensors.Add(StateDicts.ToCheckpointTensor("diffusion.lt_count", count64));
        var metadata = CheckpointStore.RunMetadata(options, step, adam, history);
        metadata["soundstorm.seed_config"] = ModelConfigJson.Write(StoredConfig.From(config));
        CheckpointStore.Write(path, tensors, Format, metadata);
    }

    /// <summary>True when <paramref name="path"/> is a seed-family checkpoint written by <see cref="Save"/>.</summary>
    public static bool IsSeedCheckpoint(string path) =>
        CheckpointStore.FormatOf(path) == Format;

    /// <summary>Reads a checkpoint; a foreign file is a <see cref="CheckpointFormatException"/> naming it.</summary>
    public static SeedCheckpoint Load(string path)
    {
        var (content, meta) = CheckpointStore.Open(path, Format, "soundstorm-train seed checkpoint");
        return CheckpointStore.ReadMetadata(path, () =>
        {
            var config = ModelConfigJson.Read<StoredConfig>(meta("soundstorm.seed_config"), path).ToConfig().Validate();
            var options = ModelConfigJson.Read<TrainOptions>(meta("soundstorm.training"), path).Validate();
            var (step, adamSteps, tensors, history) = CheckpointStore.ReadRun<StepRecord>(content, meta, path);
            return new SeedCheckpoint(path, config, options, step, adamSteps, tensors, history);
        });
    }

    /// <summary>The step statistics (<see cref="TimestepSampler"/>'s Lt_history and Lt_count), float32 as stored.</summary>
    public (float[] History, float[] Count) SamplerState() =>
        (Required("diffusion.lt_history").ToFloat32(), Required("diffusion.lt_count").ToFloat32());

    private CheckpointTensor Required(string name) =>
        Tensors.TryGetValue(name, out var t) ? t : throw new CheckpointFormatException($"{Path}: tensor '{name}' is missing.");

    /// <summary>The model tensors without their prefix.</summary>
    public IReadOnlyDictionary<string, CheckpointTensor> ModelTensors => CheckpointStore.Under(Tensors, CheckpointStore.ModelPrefix);

    /// <summary>
    /// <see cref="SeedModelConfig"/> as <c>soundstorm.seed_config</c> spells it: the field names of the trainer's
    /// own config record of before (issue 19), kept so that every checkpoint written since reads the same way.
    /// </summary>
    private sealed record StoredConfig(int Width, int Layers, int Heads, int SemanticTokens, int Codebooks, int CodebookSize, int MlpRatio,
        int TimestepRows, int ContentPositions, int PromptSemanticPositions, int TargetSemanticPositions, int PromptAcousticPositions,
        int TargetAcousticPositions)
    {
        public static StoredConfig From(SeedModelConfig c) => new(c.Dim, c.Layers, c.Heads, c.SemanticVocab, c.Codebooks, c.CodebookSize,
            c.MlpHiddenTimes, c.TimestepRows, c.MaxFrames, c.PromptSemanticPositions, c.TargetSemanticPositions, c.PromptAcousticPositions,
            c.TargetAcousticPositions);

        public SeedModelConfig ToConfig() => new()
        {
            Dim = Width, Layers = Layers, Heads = Heads, SemanticVocab = SemanticTokens, Codebooks = Codebooks, CodebookSize = CodebookSize,
            MlpHiddenTimes = MlpRatio, TimestepRows = TimestepRows, MaxFrames = ContentPositions, PromptSemanticPositions = PromptSemanticPositions,
            TargetSemanticPositions = TargetSemanticPositions, PromptAcousticPositions = PromptAcousticPositions,
            TargetAcousticPositions = TargetAcousticPositions,
        };
    }
}
