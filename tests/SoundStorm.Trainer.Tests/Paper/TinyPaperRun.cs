namespace SoundStorm.Trainer.Tests.Paper;

/// <summary>
/// The tiny paper-family model, short run and synthetic data (10 utterances of 6–14 frames) that the checkpoint tests
/// (warm restart, package import, semantic-unit remap) train on: seconds on a CPU, yet a whole run with EMA and validation.
/// </summary>
internal static class TinyPaperRun
{
    /// <summary>One Conformer block of width 16 over 2 levels of 8 codes and 5 semantic units.</summary>
    public static readonly PaperModelConfig Config = new()
    {
        Dim = 16, Layers = 1, Heads = 2, FeedForward = 32, ConvKernel = 3, Codebooks = 2, CodebookSize = 8, SemanticVocab = 5,
    };

    /// <summary>Six steps of three items with an EMA; validation and the checkpoint at the end only.</summary>
    public static readonly TrainOptions Options = new()
    {
        Steps = 6, BatchSize = 3, MaxFrames = 10, WarmupSteps = 2, LearningRate = 1e-2, ValidationFraction = 0.2,
        ValidateEvery = 0, CheckpointEvery = 0, LogEvery = 100, Seed = 5, EmaDecay = 0.5,
    };

    /// <summary>The synthetic language's utterances for <see cref="Config"/>.</summary>
    public static List<TokenUtterance> Utterances() => Language().Utterances(10, 6, 14, seed: 2);

    /// <summary>The same utterances as a dataset folder under <paramref name="temp"/>, loaded.</summary>
    public static TokenDataset Dataset(TempFolder temp) => TokenDataset.Load(Language().WriteDataset(temp.Sub("data"), 10, 6, 14, seed: 2));

    private static SyntheticTokens Language() => new(Config.Codebooks, Config.CodebookSize, Config.SemanticVocab, seed: 4);
}
