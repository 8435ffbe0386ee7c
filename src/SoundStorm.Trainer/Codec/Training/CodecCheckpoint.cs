using System.Globalization;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Codec;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec.Training;

/// <summary>
/// A codec training checkpoint: one safetensors file with <c>model.*</c> (the codec's state dict under AcademiCodec
/// names), <c>adam.m.*</c> / <c>adam.v.*</c>, and metadata: <c>soundstorm.format</c>, <c>soundstorm.codec_config</c>
/// (AcademiCodec config json); <c>restarts.usage</c> holds the codeword counts since the last restart, <c>soundstorm.training</c>, <c>soundstorm.step</c>, <c>soundstorm.adam_steps</c>,
/// <c>soundstorm.history</c>; an adversarial run adds <c>disc.*</c>, <c>adam_disc.*</c> and
/// <c>soundstorm.discriminator_adam_steps</c>; a run with a pitch loss adds <c>pitch.*</c> (the head; its AdamW moments are in <c>adam.*</c>). Randomness is keyed by seed and step, so this is the complete state of a run.
/// </summary>
internal sealed record CodecCheckpoint(
    string Path, HifiCodecConfig Config, CodecTrainOptions Options, int Step, long AdamSteps,
    IReadOnlyDictionary<string, CheckpointTensor> Tensors, List<CodecStepRecord> History, long DiscriminatorAdamSteps = 0)
{
    /// <summary>Value of <c>soundstorm.format</c>.</summary>
    public const string Format = "soundstorm-codec-checkpoint/1";

    /// <summary>Tensor name prefixes.</summary>
    public const string ModelPrefix = "model.", AdamPrefix = "adam.", DiscriminatorPrefix = "disc.", DiscriminatorAdamPrefix = "adam_disc.", PitchHeadPrefix = "pitch.";

    private const string DiscriminatorAdamStepsKey = "soundstorm.discriminator_adam_steps";

    /// <summary>Codeword usage counts since the last restart (int64 [codebooks, codewords]).</summary>
    public const string UsageTensor = "restarts.usage";

    /// <summary>The stored usage counts.</summary>
    public long[] Usage => Tensors.TryGetValue(UsageTensor, out var t) ? t.ToInt64()
        : throw new CheckpointFormatException($"{Path}: tensor '{UsageTensor}' is missing.");

    /// <summary>Writes a checkpoint atomically (the safetensors writer goes through a temporary file).</summary>
    public static void Save(string path, nn.Module model, AdamW adam, CodebookRestarts restarts, HifiCodecConfig config, CodecTrainOptions options,
        int step, IReadOnlyList<CodecStepRecord> history, (nn.Module Model, AdamW Adam)? discriminator = null, nn.Module? pitchHead = null)
    {
        var tensors = new List<CheckpointTensor>(StateDicts.ToCheckpointTensors(model, ModelPrefix));
        tensors.Add(CheckpointTensor.FromInt64(UsageTensor, new long[] { config.CodesPerFrame, config.CodebookSize }, restarts.Usage));
        tensors.AddRange(CheckpointStore.AdamTensors(adam, AdamPrefix));
        var metadata = CheckpointStore.RunMetadata(options, step, adam, history);
        metadata["soundstorm.codec_config"] = config.ToJson();
        if (discriminator is { } d)
        {
            tensors.AddRange(StateDicts.ToCheckpointTensors(d.Model, DiscriminatorPrefix));
            tensors.AddRange(CheckpointStore.AdamTensors(d.Adam, DiscriminatorAdamPrefix));
            metadata[DiscriminatorAdamStepsKey] = d.Adam.Steps.ToString(CultureInfo.InvariantCulture);
        }
        if (pitchHead is not null) tensors.AddRange(StateDicts.ToCheckpointTensors(pitchHead, PitchHeadPrefix));
        CheckpointStore.Write(path, tensors, Format, metadata);
    }

    /// <summary>Reads a checkpoint; a damaged or foreign file is a <see cref="CheckpointFormatException"/> naming it.</summary>
    public static CodecCheckpoint Load(string path)
    {
        var (content, meta) = CheckpointStore.Open(path, Format, "train-codec checkpoint");
        return CheckpointStore.ReadMetadata(path, () =>
        {
            var options = ModelConfigJson.Read<CodecTrainOptions>(meta("soundstorm.training"), path).Validate();
            var config = HifiCodecConfig.Parse(meta("soundstorm.codec_config"), path);
            var (step, adamSteps, tensors, history) = CheckpointStore.ReadRun<CodecStepRecord>(content, meta, path);
            return new CodecCheckpoint(path, config, options, step, adamSteps, tensors, history,
                options.Adversarial ? long.Parse(meta(DiscriminatorAdamStepsKey), CultureInfo.InvariantCulture) : 0);
        });
    }

    /// <summary>The tensors under <paramref name="prefix"/>, with the prefix removed.</summary>
    public IReadOnlyDictionary<string, CheckpointTensor> Under(string prefix) => CheckpointStore.Under(Tensors, prefix);
}
