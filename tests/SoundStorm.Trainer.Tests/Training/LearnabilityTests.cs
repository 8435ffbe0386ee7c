using System.Diagnostics;
using SoundStorm.Export.Acoustic;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Tests.Support;
using SoundStorm.Trainer.Training;
using Xunit.Abstractions;

namespace SoundStorm.Trainer.Tests.Training;

/// <summary>
/// A small model trained on CPU learns a synthetic token language in which every code is a fixed function of the
/// frame's semantic id and the previous frame's level-0 code: held-out level-1 masked tokens are predicted ≥ 90 %.
/// </summary>
public sealed class LearnabilityTests(ITestOutputHelper output)
{
    internal static readonly PaperModelConfig SmallConfig = new()
    {
        Dim = 64, Layers = 2, Heads = 4, FeedForward = 128, ConvKernel = 3,
        Codebooks = 2, CodebookSize = 16, SemanticVocab = 8,
    };

    [Fact]
    public void Small_model_learns_level_1_of_a_synthetic_language()
    {
        using var temp = new TempFolder();
        var language = new SyntheticTokens(SmallConfig.Codebooks, SmallConfig.CodebookSize, SmallConfig.SemanticVocab, seed: 42);
        var dataset = TokenDataset.Load(language.WriteDataset(temp.Sub("data"), 120, 24, 40, seed: 1));
        var options = new TrainOptions
        {
            Steps = 150, BatchSize = 16, MaxFrames = 40, LearningRate = 3e-3, MinLearningRate = 1e-4, WarmupSteps = 15,
            ValidationFraction = 0.2, ValidateEvery = 0, CheckpointEvery = 0, LogEvery = 50, Seed = 3,
        };
        var log = new StringWriter();
        using var trainer = new PaperTrainer(SmallConfig, options, dataset, temp.Sub("run"), log);
        var clock = Stopwatch.StartNew();
        var result = trainer.Run();
        output.WriteLine(log.ToString());
        output.WriteLine($"trained {options.Steps} steps in {clock.Elapsed.TotalSeconds:F1} s");

        var final = result.Validations[^1];
        Assert.True(final.Accuracy[1] >= 0.9, $"level-1 held-out masked-token accuracy {final.Accuracy[1]:P1} (chance {1.0 / SmallConfig.CodebookSize:P1})");
        Assert.True(File.Exists(Path.Combine(temp.Sub("run"), PaperTrainer.CheckpointFile)));
        Assert.True(new FileInfo(Path.Combine(temp.Sub("run"), PaperTrainer.CurveFile)).Length > 1000, "loss curve PNG written");
    }
}
