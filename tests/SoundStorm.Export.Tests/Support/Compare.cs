namespace SoundStorm.Export.Tests.Support;

public static class Compare
{
    /// <summary>
    /// Relative error as max |actual − expected| / max |expected| over the tensor — element-wise ratios blow up
    /// near zero, the tensor-wide scale does not.
    /// </summary>
    public static double RelativeError(DTensor actual, DTensor expected)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double maxDiff = 0, maxRef = 1e-30;
        for (int i = 0; i < expected.Data.Length; i++)
        {
            Assert.False(double.IsNaN(actual.Data[i]), $"NaN at flat index {i}");
            maxDiff = Math.Max(maxDiff, Math.Abs(actual.Data[i] - expected.Data[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected.Data[i]));
        }
        return maxDiff / maxRef;
    }

    public static void Close(DTensor actual, DTensor expected, double tolerance = 1e-5)
    {
        double error = RelativeError(actual, expected);
        Assert.True(error <= tolerance, $"relative error {error:E3} exceeds {tolerance:E1}");
    }
}
