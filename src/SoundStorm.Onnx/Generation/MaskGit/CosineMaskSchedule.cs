namespace SoundStorm.Onnx.Generation.MaskGit;

/// <summary>
/// MaskGIT's cosine schedule (SoundStorm §3.2): after iteration <c>i</c> of <c>n</c>, ⌊T·cos(π/2 · i/n)⌋ of the
/// T positions being generated are still masked. Iteration 0 leaves all T masked, iteration n none.
/// </summary>
internal static class CosineMaskSchedule
{
    public static int StillMasked(int total, int iteration, int iterations)
    {
        if (iteration <= 0) return total;
        if (iteration >= iterations) return 0;
        return (int)Math.Floor(total * Math.Cos(Math.PI / 2 * iteration / iterations));
    }
}
