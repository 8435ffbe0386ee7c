using SoundStorm.Export.Checkpoints;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>The loss and masked-frame accuracy of one pre-training step.</summary>
/// <param name="Step">1-based step.</param>
/// <param name="Loss">Training loss of the batch.</param>
/// <param name="Accuracy">Share of masked frames whose target was the arg-max.</param>
/// <param name="LearningRate">Rate used.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
internal sealed record HubertStepRecord(int Step, double Loss, double Accuracy, double LearningRate, double GradNorm);

/// <summary>
/// A HuBERT pre-training checkpoint (safetensors): <c>model.*</c> (<see cref="HubertPretrainModel"/>'s state dict),
/// <c>adam.m.*</c> / <c>adam.v.*</c>, <c>targets.centroids</c> (the MFCC k-means centres, so a resume reproduces the
/// same targets without re-clustering; absent in a phone-label run, whose targets are its label file) and metadata <c>soundstorm.format</c>, <c>soundstorm.training</c> (options
/// JSON), <c>soundstorm.step</c>, <c>soundstorm.adam_steps</c>, <c>soundstorm.history</c>. Randomness is keyed by
/// (seed, step), so those are the whole RNG state.
/// </summary>
internal sealed record HubertPretrainCheckpoint(
    string Path, HubertPretrainOptions Options, int Step, long AdamSteps, IReadOnlyDictionary<string, CheckpointTensor> Tensors, List<HubertStepRecord> History)
{
    /// <summary>Value of <c>soundstorm.format</c>.</summary>
    public const string Format = "soundstorm-hubert-pretrain/1";

    /// <summary>Tensor name prefixes and the target centres' name.</summary>
    public const string ModelPrefix = "model.", AdamPrefix = "adam.", CentroidsName = "targets.centroids";

    /// <summary>Prefix of the encoder's torchaudio-named tensors inside the file.</summary>
    public const string EncoderPrefix = ModelPrefix + "hubert.";

    /// <summary>Writes the checkpoint (atomically).</summary>
    public static void Save(string path, HubertPretrainModel model, AdamW adam, Tensor? centroids, HubertPretrainOptions options, int step, IReadOnlyList<HubertStepRecord> history)
    {
        var tensors = new List<CheckpointTensor>(StateDicts.ToCheckpointTensors(model, ModelPrefix));
        tensors.AddRange(CheckpointStore.AdamTensors(adam, AdamPrefix));
        if (centroids is not null) tensors.Add(StateDicts.ToCheckpointTensor(CentroidsName, centroids));
        var metadata = CheckpointStore.RunMetadata(options, step, adam, history);
        CheckpointStore.Write(path, tensors, Format, metadata);
    }

    /// <summary>Reads a checkpoint; a damaged or foreign file is a <see cref="CheckpointFormatException"/> naming it.</summary>
    public static HubertPretrainCheckpoint Load(string path)
    {
        var (content, meta) = CheckpointStore.Open(path, Format, "pretrain-hubert checkpoint");
        return CheckpointStore.ReadMetadata(path, () =>
        {
            var options = ModelConfigJson.Read<HubertPretrainOptions>(meta("soundstorm.training"), path).Validate();
            var (step, adamSteps, tensors, history) = CheckpointStore.ReadRun<HubertStepRecord>(content, meta, path);
            if (options.PhoneLabels is null && !tensors.ContainsKey(CentroidsName)) throw new CheckpointFormatException($"{path}: tensor '{CentroidsName}' is missing.");
            return new HubertPretrainCheckpoint(path, options, step, adamSteps, tensors, history);
        });
    }

    /// <summary>The MFCC target centres (K, 39); null for a phone-label run.</summary>
    public Tensor? Centroids()
    {
        if (!Tensors.TryGetValue(CentroidsName, out var t)) return null;
        return tensor(t.ToFloat32(), t.Shape.ToArray());
    }
}
