namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// Two timed actions run alternately (a, b, a, b, …) after one warm-up each, so that a load that drifts on a shared
/// machine falls on both sides alike; the medians of each side.
/// </summary>
internal static class AlternatingTimes
{
    /// <summary>The median seconds of <paramref name="a"/> and of <paramref name="b"/> over <paramref name="pairs"/> alternating runs.</summary>
    /// <param name="a">Runs once and returns its seconds.</param>
    /// <param name="b">Runs once and returns its seconds.</param>
    /// <param name="pairs">Timed runs of each.</param>
    public static (double A, double B) Medians(Func<double> a, Func<double> b, int pairs)
    {
        a(); // warm-up: first runs allocate and pre-pack
        b();
        var ta = new double[pairs];
        var tb = new double[pairs];
        for (int i = 0; i < pairs; i++)
        {
            ta[i] = a();
            tb[i] = b();
        }
        return (ta.Order().ElementAt(pairs / 2), tb.Order().ElementAt(pairs / 2));
    }
}
