namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// Improved VQ-Diffusion's purity prior as the seed uses it (prior_rule 2, upstream-facts §2.6): a position's purity
/// is its most likely class's probability; purer positions are revealed first and their distributions sharpened.
/// </summary>
internal static class PurityPrior
{
    /// <summary>
    /// Purity per position of one utterance: <see cref="Purity"/> of each row, then <see cref="Normalize"/>.
    /// <paramref name="logX0"/> is [positions, classes] row-major.
    /// </summary>
    public static void Scores(ReadOnlySpan<float> logX0, int classes, Span<float> scores)
    {
        int positions = logX0.Length / classes;
        for (int i = 0; i < positions; i++) scores[i] = Purity(logX0.Slice(i * classes, classes));
        Normalize(scores[..positions]);
    }

    /// <summary>A position's purity before normalising: max_k exp(log x̂₀[k]) clamped to [0, 1].</summary>
    public static float Purity(ReadOnlySpan<float> logX0)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logX0) max = MathF.Max(max, v);
        return Math.Clamp(MathF.Exp(max), 0f, 1f);
    }

    /// <summary>Divides an utterance's purities by its largest (+1e−10), as upstream does.</summary>
    public static void Normalize(Span<float> purities)
    {
        float best = 0;
        foreach (float p in purities) best = MathF.Max(best, p);
        float scale = best + 1e-10f;
        for (int i = 0; i < purities.Length; i++) purities[i] /= scale;
    }

    /// <summary>
    /// The candidate distribution of one position: log softmax((1 + weight·score)·log x̂₀) clamped to [−70, 0], with
    /// every class from <paramref name="firstExcludedClass"/> on (pad ids and mask) set to −70.
    /// </summary>
    public static void Sharpen(ReadOnlySpan<float> logX0, float score, float weight, int firstExcludedClass, Span<float> destination)
    {
        float factor = 1 + score * weight;
        double max = double.NegativeInfinity;
        for (int k = 0; k < logX0.Length; k++) max = Math.Max(max, (double)(factor * logX0[k]));
        double sum = 0;
        for (int k = 0; k < logX0.Length; k++) sum += Math.Exp(factor * logX0[k] - max);
        double logZ = max + Math.Log(sum);
        for (int k = 0; k < logX0.Length; k++)
            destination[k] = k >= firstExcludedClass ? DiffusionPosterior.Floor : (float)Math.Clamp(factor * logX0[k] - logZ, DiffusionPosterior.Floor, 0);
    }
}
