using SoundStorm.Onnx.Generation.Diffusion;

namespace SoundStorm.Onnx.Tests.Generation.Diffusion;

public class TopRTruncationTests
{
    [Theory]
    // probabilities 0.5, 0.3, 0.15, 0.05 (shuffled): mass above = 0, 0.5, 0.8, 0.95
    [InlineData(0.85f, new[] { true, true, true, false })]
    [InlineData(0.79f, new[] { true, true, false, false })]
    [InlineData(0.81f, new[] { true, true, true, false })]
    [InlineData(0.49f, new[] { true, false, false, false })]
    [InlineData(0.1f, new[] { true, false, false, false })]
    public void Keeps_classes_whose_mass_above_is_below_r(float r, bool[] keptBySize)
    {
        float[] probs = [0.15f, 0.5f, 0.05f, 0.3f];
        int[] rank = [2, 0, 3, 1];
        var row = Array.ConvertAll(probs, p => MathF.Log(p));
        DiffusionPosterior.TruncateTopR(row, r, new PosteriorScratch(4));
        for (int i = 0; i < 4; i++)
            Assert.Equal(keptBySize[rank[i]] ? MathF.Log(probs[i]) : -70f, row[i]);
    }
}
