namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// How many masked positions the seed's purity sampler reveals at each diffusion index (upstream
/// <c>update_n_sample</c>, upstream-facts §2.6): entry t is used at index t, counting down from Steps−1 to 1.
/// </summary>
internal static class PurityRevealSchedule
{
    /// <summary>Reveal counts for <paramref name="positions"/> masked positions over a 100-step schedule; they sum to <paramref name="positions"/>.</summary>
    public static int[] Counts(int positions, int steps = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        if (steps != 100) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The seed's reveal rule is defined for 100 steps.");
        var counts = new int[steps];
        if (positions < steps + 1)
        {
            for (int t = steps - positions; t < steps; t++) counts[t] = 1;
            return counts;
        }
        int average = positions / 98, extra = positions - 98 * average - 1;
        if (extra > 5)
        {
            counts[0] = 1; counts[1] = 5;
            for (int t = 2; t < 99; t++) counts[t] = average;
            counts[99] = positions - 6 - 97 * average;
        }
        else
        {
            counts[0] = 1; counts[1] = extra;
            for (int t = 2; t < 100; t++) counts[t] = average;
        }
        return counts;
    }
}
