using System.Diagnostics;
using SoundStorm.Trainer.Exporting;
using SoundStorm.Trainer.Seed;

namespace SoundStorm.Trainer.Tests.Seed;

/// <summary>
/// A tiny seed-family network trained with the discrete-diffusion objective on a synthetic token language: the
/// held-fixed diffusion loss falls, and the checkpoint exports (SeedGraphs) to a seed-diffusion package that the
/// runtime generator loads and samples from.
/// </summary>
public sealed class SeedTrainingTests(ITestOutputHelper output)
{
    internal static readonly SeedModelConfig TinyConfig = new()
    {
        Dim = 32, Layers = 2, Heads = 2, SemanticVocab = 8, Codebooks = 2, CodebookSize = 16, TimestepRows = 100, MaxFrames = 64,
        PromptSemanticPositions = 64, TargetSemanticPositions = 64, PromptAcousticPositions = 64, TargetAcousticPositions = 8,
    };

    [Fact]
    public void Diffusion_training_lowers_the_loss_and_the_export_generates_as_a_seed_package()
    {
        using var temp = new TempFolder();
        var language = new SyntheticTokens(TinyConfig.Codebooks, TinyConfig.CodebookSize, TinyConfig.SemanticVocab, seed: 42);
        var dataset = TokenDataset.Load(language.WriteDataset(temp.Sub("data"), 200, 16, 24, seed: 1));
        var options = new TrainOptions
        {
            Steps = Steps, BatchSize = 8, MaxFrames = 16, SeedPromptFrames = 4, LearningRate = 3e-3, MinLearningRate = 1e-4, WarmupSteps = 10,
            ValidationFraction = 0.05, CheckpointEvery = 0, LogEvery = 50, Seed = 3, ClipNorm = 1.0,
        };
        var log = new StringWriter();
        using var trainer = new SeedObjective(TinyConfig, options, dataset, temp.Sub("run"), log);
        var held = trainer.ValidationSet;
        double before = trainer.Evaluate(held);
        var clock = Stopwatch.StartNew();
        var (history, checkpoint) = trainer.Run();
        double after = trainer.Evaluate(held);
        output.WriteLine(log.ToString());
        output.WriteLine($"{options.Steps} steps in {clock.Elapsed.TotalSeconds:F1} s; held-out diffusion loss {before:F4} → {after:F4}; " +
            $"steps drawn {trainer.Sampler.Count.Sum()} (importance sampling {(trainer.Sampler.Warm ? "on" : "not yet")})");
        Assert.Equal(options.Steps * options.BatchSize, trainer.Sampler.Count.Sum());
        Assert.True(trainer.Sampler.Warm, "after 300 steps of 8 every t was drawn > 10 times, so importance sampling took over");
        Assert.True(after < 0.7 * before, $"held-out diffusion loss {before:F4} → {after:F4}");

        SeedPackageExporter.Export(checkpoint, temp.Sub("package"));
        using var package = ModelPackage.Load(temp.Sub("package"));
        Assert.Equal(ModelFamilies.SeedDiffusion, package.ModelFamily);
        Assert.Equal(TinyConfig.MaskId, package.MaskTokenId);
        using var generator = new SoundStormGenerator(package);
        long agree = 0, total = 0;
        foreach (var u in held)
        {
            const int prompt = 4;
            var promptCodes = new CodeGrid(u.Acoustic[..(prompt * u.Codebooks)], u.Codebooks);
            var codes = generator.Generate(new GenerationRequest(u.Semantic[prompt..], promptCodes, u.Semantic[..prompt], 5),
                new GenerationOptions { DiffusionSkipSteps = 4 });
            Assert.Equal(u.Frames - prompt, codes.Frames);
            for (int f = 0; f < codes.Frames; f++)
                for (int q = 0; q < u.Codebooks; q++, total++)
                {
                    Assert.InRange(codes[f, q], 0, TinyConfig.CodebookSize - 1);
                    if (codes[f, q] == u.Code(prompt + f, q)) agree++;
                }
        }
        output.WriteLine($"generated {total} held-out codes, {(double)agree / total:P1} equal to the data (chance {1.0 / TinyConfig.CodebookSize:P1})");
    }

    private const int Steps = 300;
}
