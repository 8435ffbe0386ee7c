using System.Text.Json;
using SoundStorm.Trainer.Codec.Training;
using SoundStorm.Trainer.Semantic.Pretraining;
using SoundStorm.Trainer.Text;

namespace SoundStorm.Trainer.Tests.Training;

/// <summary>
/// Every family's options, which share <see cref="TrainingRunOptions"/>, are stored in checkpoints as JSON: the fields
/// written are exactly the ones checkpoints have always held (by name), and the shared fields read back into each family.
/// </summary>
public sealed class RunOptionsJsonTests
{
    private const string SharedFields =
        """{"Steps":7,"BatchSize":3,"LearningRate":0.02,"MinLearningRate":0.001,"WarmupSteps":2,"ClipNorm":0.5,"Seed":9,"CheckpointEvery":4,"LogEvery":1}""";

    [Fact]
    public void Codec_options_keep_their_checkpoint_fields() => KeepsFields<CodecTrainOptions>(
        "Steps", "BatchSize", "SegmentFrames", "LearningRate", "MinLearningRate", "WarmupSteps", "ClipNorm", "MelWeight", "StftWeight", "VqWeight",
        "PitchWeight", "RestartEvery", "DecoderOnly", "Adversarial", "DiscriminatorWidth", "ScaleDiscriminators", "AdversarialWeight",
        "FeatureMatchingWeight", "Seed", "CheckpointEvery", "LogEvery");

    [Fact]
    public void Hubert_options_keep_their_checkpoint_fields() => KeepsFields<HubertPretrainOptions>(
        "ConvChannels", "EmbedDim", "Layers", "Heads", "FeedForwardDim", "LayerNormFirst", "Dropout", "PhoneLabels", "Targets", "KMeansIterations",
        "MaskProbability", "MaskLength", "UnmaskedWeight", "FinalDim", "Temperature", "ExtractorGradScale", "BatchSize", "CropSeconds", "MinSeconds",
        "Steps", "LearningRate", "MinLearningRate", "WarmupSteps", "WeightDecay", "ClipNorm", "Seed", "CheckpointEvery", "LogEvery", "CropSamples");

    [Fact]
    public void Acoustic_options_keep_their_checkpoint_fields() => KeepsFields<TrainOptions>(
        "Steps", "BatchSize", "MaxFrames", "SeedPromptFrames", "MaxPromptFraction", "LearningRate", "MinLearningRate", "WarmupSteps", "WeightDecay",
        "Beta1", "Beta2", "ClipNorm", "EmaDecay", "LevelWeights", "Seed", "ValidationFraction", "ValidateEvery", "CheckpointEvery", "LogEvery", "FrameRate");

    [Fact]
    public void Text_options_keep_their_checkpoint_fields() => KeepsFields<TextTrainOptions>(
        "Steps", "BatchSize", "MaxFrames", "LearningRate", "MinLearningRate", "WarmupSteps", "WeightDecay", "ClipNorm", "DurationWeight", "Seed",
        "ValidationFraction", "CheckpointEvery", "LogEvery");

    private static void KeepsFields<T>(params string[] fields) where T : TrainingRunOptions, new()
    {
        using var written = JsonDocument.Parse(ModelConfigJson.Write(new T()));
        Assert.Equal(fields.Order(StringComparer.Ordinal), written.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var read = ModelConfigJson.Read<T>(SharedFields, "test");
        Assert.Equal((7, 3, 0.02, 0.001, 2, 0.5, 9L, 4, 1),
            (read.Steps, read.BatchSize, read.LearningRate, read.MinLearningRate, read.WarmupSteps, read.ClipNorm, read.Seed, read.CheckpointEvery, read.LogEvery));
    }
}
