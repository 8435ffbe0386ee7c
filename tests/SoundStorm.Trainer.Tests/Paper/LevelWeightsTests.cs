namespace SoundStorm.Trainer.Tests.Paper;

/// <summary>
/// <c>--level-weights</c>: the level a training item predicts is drawn in proportion to the weights (levels weighted 0
/// never), uniform draws stay as they were without them, and bad weights are refused by name.
/// </summary>
public sealed class LevelWeightsTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.2499, 0)]
    [InlineData(0.25, 1)]
    [InlineData(0.9999, 1)]
    public void PickLevel_splits_the_unit_interval_by_cumulative_weight(double uniform, int expected) =>
        Assert.Equal(expected, LevelMasking.PickLevel([1, 3], uniform));

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.4999, 1)]
    [InlineData(0.5, 3)]
    [InlineData(0.9999999999, 3)]
    public void PickLevel_never_returns_a_level_of_weight_zero(double uniform, int expected) =>
        Assert.Equal(expected, LevelMasking.PickLevel([0, 2, 0, 2], uniform));

    [Fact]
    public void Draws_follow_the_weights()
    {
        var utterance = new TokenUtterance("u", null, new long[20], new long[20 * 4], 4);
        var counts = new int[4];
        const int draws = 20000;
        for (int i = 0; i < draws; i++)
            counts[LevelMasking.DrawFor(utterance, 20, 0.5, new StepRandom(3, StepRandom.Batch, i), levelWeights: [0.7, 0.3, 0, 0]).Level]++;
        Assert.InRange(counts[0] / (double)draws, 0.68, 0.72); // binomial sd 0.0032: ±6 sd
        Assert.Equal(0, counts[2] + counts[3]);
    }

    [Fact]
    public void Without_weights_the_level_is_the_uniform_draw_of_before()
    {
        var utterance = new TokenUtterance("u", null, new long[20], new long[20 * 4], 4);
        for (int i = 0; i < 50; i++)
        {
            var reference = new StepRandom(9, StepRandom.Batch, i);
            int frames = Math.Min(utterance.Frames, 20);
            int maxPrompt = Math.Min(frames - 1, (int)Math.Floor(0.5 * frames));
            reference.NextInt(maxPrompt + 1); // the prompt length is drawn first, then the level
            Assert.Equal(reference.NextInt(4), LevelMasking.DrawFor(utterance, 20, 0.5, new StepRandom(9, StepRandom.Batch, i)).Level);
        }
    }

    [Theory]
    [InlineData(new[] { 1.0, -0.5 })]
    [InlineData(new[] { 0.0, 0.0 })]
    [InlineData(new[] { 1.0, double.NaN })]
    public void Bad_weights_are_refused(double[] weights)
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainOptions { LevelWeights = weights }.Validate());
        Assert.Contains("must be finite, non-negative and not all zero", e.Message);
    }
}
