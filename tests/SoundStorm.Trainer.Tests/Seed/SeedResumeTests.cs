using SoundStorm.Trainer.Seed;

namespace SoundStorm.Trainer.Tests.Seed;

/// <summary>
/// Stopping a seed-family run half-way and resuming from its checkpoint reproduces the straight run's losses, gradient
/// norms and step counts exactly (at this length t is still drawn uniformly, so the float32-stored statistics do not
/// steer any draw).
/// </summary>
public sealed class SeedResumeTests(ITestOutputHelper output)
{
    [Fact]
    public void Half_run_plus_resume_equals_the_straight_run()
    {
        using var temp = new TempFolder();
        var config = SeedTrainingTests.TinyConfig;
        var language = new SyntheticTokens(config.Codebooks, config.CodebookSize, config.SemanticVocab, seed: 9);
        var dataset = TokenDataset.Load(language.WriteDataset(temp.Sub("data"), 10, 12, 18, seed: 2));
        // 8 steps × 3 items over 9 training utterances: the resume point falls inside an epoch.
        var options = new TrainOptions
        {
            Steps = 8, BatchSize = 3, MaxFrames = 12, SeedPromptFrames = 4, WarmupSteps = 2, LearningRate = 3e-3,
            ValidationFraction = 0.1, CheckpointEvery = 0, LogEvery = 100, Seed = 5,
        };

        StepRecord[] straight;
        double[] straightCounts;
        using (var trainer = new SeedObjective(config, options, dataset, temp.Sub("straight")))
        {
            straight = trainer.Run().History;
            straightCounts = [.. trainer.Sampler.Count];
        }

        string half;
        using (var trainer = new SeedObjective(config, options, dataset, temp.Sub("split"))) half = trainer.Run(stopAfter: 4).CheckpointPath;
        var log = new StringWriter();
        StepRecord[] resumed;
        using (var trainer = SeedObjective.Resume(half, dataset, temp.Sub("split"), log))
        {
            resumed = trainer.Run().History;
            Assert.Equal(straightCounts, trainer.Sampler.Count);
        }

        output.WriteLine(string.Join("\n", straight.Zip(resumed, (a, b) => $"step {a.Step}: {a.Loss:R} vs {b.Loss:R}")));
        Assert.Contains("resumed", log.ToString());
        Assert.Equal(8, resumed.Length);
        Assert.Equal(straight.Select(h => h.Loss), resumed.Select(h => h.Loss));
        Assert.Equal(straight.Select(h => h.GradNorm), resumed.Select(h => h.GradNorm));
    }
}
