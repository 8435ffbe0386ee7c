using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Support;

/// <summary>Tolerance assertions that name the worst element.</summary>
internal static class Compare
{
    public static double[] ToDoubles(Tensor t) => t.detach().to_type(float64).contiguous().data<double>().ToArray();

    /// <summary>Asserts |e − a| ≤ atol + rtol·|e| everywhere; returns max |e − a|.</summary>
    public static double Close(double[] expected, double[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0, maxAbs = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(expected[i] - actual[i]));
            double excess = Math.Abs(expected[i] - actual[i]) - (atol + rtol * Math.Abs(expected[i]));
            if (excess > worst) { worst = excess; worstAt = i; }
        }
        Assert.True(worstAt < 0,
            worstAt < 0 ? "" : $"{what}: element {worstAt} expected {expected[worstAt]} got {actual[worstAt]} (atol {atol}, rtol {rtol})");
        return maxAbs;
    }

    public static double Close(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        return Close(ToDoubles(expected), ToDoubles(actual), atol, rtol, what);
    }
}
