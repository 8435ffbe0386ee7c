using SoundStorm.Trainer.Codec.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec.Training;

/// <summary>Codebooks start from data and dead codewords are re-drawn, so short training uses the whole codebook.</summary>
public sealed class CodebookRestartsTests
{
    [Fact]
    public void Initialize_sets_every_codeword_to_a_row_of_the_level_input()
    {
        using var scope = NewDisposeScope();
        using var codec = SmallCodec.Create(seed: 5);
        var config = SmallCodec.Config;
        var restarts = new CodebookRestarts(codec.Quantizer, config);
        using var generator = new Generator(9);
        var input = randn(new long[] { 500, config.LatentDim }, generator: generator);
        restarts.Initialize(0, input, new StepRandom(1, 99, 0));

        for (int g = 0; g < config.CodeGroups; g++)
        {
            var words = codec.Quantizer.At(0, g).Weight.detach();
            var rows = input.narrow(1, g * config.GroupDim, config.GroupDim);
            // Each codeword equals some input row exactly (distance 0 to its nearest row).
            var distance = (words.unsqueeze(1) - rows.unsqueeze(0)).square().sum(2).min(1).values;
            Assert.Equal(0.0, distance.max().item<float>(), 6);
            // Distinct rows were drawn, so the codebook is no longer one point: nearest codes of the input spread out.
            long distinct = codec.Quantizer.At(0, g).Nearest(rows).unique().Item1.shape[0];
            Assert.True(distinct > config.CodebookSize / 2, $"only {distinct} of {config.CodebookSize} codewords chosen");
        }
    }

    [Fact]
    public void Restart_replaces_only_codewords_unused_since_the_last_check()
    {
        using var scope = NewDisposeScope();
        using var codec = SmallCodec.Create(seed: 6);
        var config = SmallCodec.Config;
        var restarts = new CodebookRestarts(codec.Quantizer, config);
        var before = codec.Quantizer.At(1, 0).Weight.detach().clone();
        // Every frame uses codeword 3 in every codebook.
        var codes = full(new long[] { 1, 10, config.CodesPerFrame }, 3L, dtype: ScalarType.Int64);
        restarts.Count(codes);
        Assert.Equal(1.0 / config.CodebookSize, restarts.UsedFraction, 9);
        var inputs = Enumerable.Range(0, config.ResidualLevels).Select(_ => randn(new long[] { 40, config.LatentDim })).ToArray();

        int replaced = restarts.Restart(inputs, new StepRandom(2, 99, 0));

        Assert.Equal(config.CodesPerFrame * (config.CodebookSize - 1), replaced);
        var after = codec.Quantizer.At(1, 0).Weight.detach();
        var changed = (after - before).abs().sum(1).gt(0);
        Assert.False(changed[3].item<bool>(), "a used codeword was replaced");
        Assert.Equal(config.CodebookSize - 1, changed.sum().item<long>());
        Assert.Equal(0.0, restarts.UsedFraction); // counts start again
    }
}
