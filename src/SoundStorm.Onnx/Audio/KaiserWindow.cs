namespace SoundStorm.Onnx.Audio;

/// <summary>
/// The Kaiser window and Kaiser's empirical design formulas (Oppenheim &amp; Schafer, "Discrete-Time
/// Signal Processing", §7.5.3): a window shape <c>beta</c> for a wanted stop-band attenuation, and the
/// length that attenuation needs for a given transition width.
/// </summary>
internal static class KaiserWindow
{
    /// <summary>Shape parameter giving roughly <paramref name="attenuationDb"/> of stop-band attenuation.</summary>
    public static double Beta(double attenuationDb) => attenuationDb switch
    {
        > 50 => 0.1102 * (attenuationDb - 8.7),
        >= 21 => (0.5842 * Math.Pow(attenuationDb - 21, 0.4)) + (0.07886 * (attenuationDb - 21)),
        _ => 0,
    };

    /// <summary>
    /// Window span (distance between its end points, in samples) needed for <paramref name="attenuationDb"/>
    /// with a transition band <paramref name="transitionCyclesPerSample"/> wide.
    /// </summary>
    public static double Span(double attenuationDb, double transitionCyclesPerSample) =>
        (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionCyclesPerSample);

    /// <summary>Window value at offset <paramref name="t"/> from its centre; zero beyond <paramref name="halfWidth"/>.</summary>
    /// <param name="t">Offset from the centre, in samples.</param>
    /// <param name="halfWidth">Half the window's span, in samples.</param>
    /// <param name="beta">Shape parameter.</param>
    /// <param name="besselI0OfBeta"><see cref="BesselI0"/>(beta), passed in so table builders compute it once.</param>
    public static double Value(double t, double halfWidth, double beta, double besselI0OfBeta)
    {
        double r = t / halfWidth;
        if (r is < -1 or > 1)
        {
            return 0;
        }

        return BesselI0(beta * Math.Sqrt(1 - (r * r))) / besselI0OfBeta;
    }

    /// <summary>Modified Bessel function of the first kind, order 0, by its power series (converges for all x).</summary>
    public static double BesselI0(double x)
    {
        double quarterSquare = x * x / 4;
        double term = 1, sum = 1;
        for (int k = 1; k < 500 && term > sum * 1e-17; k++)
        {
            term *= quarterSquare / ((double)k * k);
            sum += term;
        }

        return sum;
    }
}
