namespace SoundStorm.Trainer.Tests.Paper;

/// <summary>Stopping half-way and resuming from the checkpoint reproduces the straight run's losses exactly.</summary>
public sealed class ResumeTests(ITestOutputHelper output)
{
    private static readonly PaperModelConfig Tiny = new()
    {
        Dim = 16, Layers = 1, Heads = 2, FeedForward = 32, ConvKernel = 3, Codebooks = 2, CodebookSize = 8, SemanticVocab = 5,
        Combiner = CombinerKind.UNet, // BatchNorm statistics must survive the checkpoint too
    };

    [Fact]
    public void Half_run_plus_resume_equals_the_straight_run()
    {
        using var temp = new TempFolder();
        var language = new SyntheticTokens(Tiny.Codebooks, Tiny.CodebookSize, Tiny.SemanticVocab, seed: 9);
        var dataset = TokenDataset.Load(language.WriteDataset(temp.Sub("data"), 10, 6, 14, seed: 2));
        // 10 steps × 3 items over 9 training utterances: the resume point falls inside an epoch.
        var options = new TrainOptions
        {
            Steps = 10, BatchSize = 3, MaxFrames = 10, WarmupSteps = 3, LearningRate = 1e-2, EmaDecay = 0.9,
            ValidationFraction = 0.1, ValidateEvery = 0, CheckpointEvery = 0, LogEvery = 100, Seed = 5,
        };

        TrainingResult straight;
        using (var trainer = new PaperObjective(Tiny, options, dataset, temp.Sub("straight"))) straight = trainer.Run();

        string halfCheckpoint;
        using (var trainer = new PaperObjective(Tiny, options, dataset, temp.Sub("split"))) halfCheckpoint = trainer.Run(stopAfter: 5).CheckpointPath;
        TrainingResult resumed;
        using (var trainer = PaperObjective.Resume(halfCheckpoint, dataset, temp.Sub("split"))) resumed = trainer.Run();

        output.WriteLine(string.Join("\n", straight.History.Zip(resumed.History, (a, b) => $"step {a.Step}: {a.Loss:R} vs {b.Loss:R}")));
        Assert.Equal(10, resumed.History.Count);
        Assert.Equal(straight.History.Select(h => h.Loss), resumed.History.Select(h => h.Loss));
        Assert.Equal(straight.History.Select(h => h.GradNorm), resumed.History.Select(h => h.GradNorm));
        Assert.Equal(straight.Validations[^1].Loss, resumed.Validations[^1].Loss);
    }
}
