using SoundStorm.Export.Codec;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Tests.Codec;

/// <summary>weight = g · v / ‖v‖ with the norm over every axis but dim 0, for both convolution layouts.</summary>
public class WeightNormFoldingTests
{
    [Theory]
    [InlineData(3, 2, 4)] // Conv1d [out, in, k]: one magnitude per output channel
    [InlineData(2, 5, 3)] // ConvTranspose1d [in, out, k]: one magnitude per input channel
    public void Folding_scales_each_dim0_slice_to_its_magnitude(int rows, int cols, int kernel)
    {
        var rng = new Random(rows * 100 + cols);
        float[] v = Enumerable.Range(0, rows * cols * kernel).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] gain = Enumerable.Range(0, rows).Select(_ => (float)(0.5 + rng.NextDouble())).ToArray();
        var weights = new WeightSet("test");
        weights.Add("ups.0.weight_v", v, rows, cols, kernel);
        weights.Add("ups.0.weight_g", gain, rows, 1, 1);
        weights.Add("ups.0.bias", new float[] { 1, 2 }, 2);

        var folded = WeightNormFolding.Fold(weights);

        Assert.Equal(new[] { "ups.0.bias", "ups.0.weight" }, folded.Names.OrderBy(n => n, StringComparer.Ordinal));
        var w = folded.Peek("ups.0.weight");
        Assert.Equal(new long[] { rows, cols, kernel }, w.Shape);
        int n = cols * kernel;
        for (int r = 0; r < rows; r++)
        {
            double norm = Math.Sqrt(Enumerable.Range(0, n).Sum(i => (double)v[r * n + i] * v[r * n + i]));
            for (int i = 0; i < n; i++) Assert.Equal(gain[r] * v[r * n + i] / norm, w.Data[r * n + i], 6);
            double foldedNorm = Math.Sqrt(Enumerable.Range(0, n).Sum(i => (double)w.Data[r * n + i] * w.Data[r * n + i]));
            Assert.Equal(gain[r], foldedNorm, 5);
        }
    }

    [Fact]
    public void A_direction_without_its_magnitude_is_a_mismatch()
    {
        var weights = new WeightSet("test");
        weights.Add("conv_pre.weight_v", new float[] { 1, 2 }, 1, 1, 2);
        weights.Add("conv_post.weight_g", new float[] { 1 }, 1, 1, 1);
        var e = Assert.Throws<WeightMismatchException>(() => WeightNormFolding.Fold(weights));
        Assert.Contains("'conv_pre.weight_v' has no 'conv_pre.weight_g'", e.Message);
        Assert.Contains("'conv_post.weight_g' has no 'conv_post.weight_v'", e.Message);
    }
}
