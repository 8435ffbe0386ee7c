namespace SoundStorm.Trainer.Tests.Support;

/// <summary>The error measure: max |actual − reference| / max |reference|, computed in float64.</summary>
internal static class RelativeError
{
    public static double Of(IReadOnlyList<float> reference, IReadOnlyList<float> actual)
    {
        Assert.Equal(reference.Count, actual.Count);
        double diff = 0, scale = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            diff = Math.Max(diff, Math.Abs((double)actual[i] - reference[i]));
            scale = Math.Max(scale, Math.Abs((double)reference[i]));
        }
        Assert.True(scale > 0, "reference is all zeros");
        return diff / scale;
    }
}
