namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// How many of P masked positions the purity-prior sampler reveals at each diffusion step (upstream-facts §2.6,
/// <c>update_n_sample</c>): one per step for the last P steps when P ≤ 100, otherwise about P/98 per step.
/// Index = diffusion step t (sampling runs t = 99 → 0); the counts sum to P.
/// </summary>
internal static class PurityRevealSchedule
{
    public static int[] Counts(int positions, int steps = 100)
    {
        var n = new int[steps];
        if (positions < steps + 1)
        {
            for (int t = Math.Max(0, steps - positions); t < steps; t++) n[t] = 1;
            return n;
        }
        int slots = steps - 2; // 98 for 100 steps
        int average = positions / slots;
        int add = positions - slots * average - 1;
        n[0] = 1;
        if (add > 5)
        {
            n[1] = 5;
            for (int t = 2; t < steps - 1; t++) n[t] = average;
            n[steps - 1] = positions - 6 - (slots - 1) * average;
        }
        else
        {
            n[1] = add;
            for (int t = 2; t < steps; t++) n[t] = average;
        }
        return n;
    }
}
