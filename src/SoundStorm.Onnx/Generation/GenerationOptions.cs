
namespace SoundStorm.Onnx;

/// <summary>
/// Sampling settings. Defaults follow the SoundStorm paper where it states them (16 iterations for the first level,
/// one greedy iteration for each finer level, cosine schedule); the rest follow MaskGIT.
/// </summary>
public sealed class GenerationOptions
{
    /// <summary>MaskGIT iterations for the first (coarsest) codebook level. Default 16.</summary>
    public int FirstLevelIterations { get; set; } = 16;

    /// <summary>MaskGIT iterations for each finer level. Default 1.</summary>
    public int FinerLevelIterations { get; set; } = 1;

    /// <summary>Iterations per level, overriding <see cref="FirstLevelIterations"/>/<see cref="FinerLevelIterations"/> when set (one entry per codebook).</summary>
    public IReadOnlyList<int>? IterationsPerLevel { get; set; }

    /// <summary>Softmax temperature for sampling tokens; 0 means argmax. Default 1.</summary>
    public float Temperature { get; set; } = 1f;

    /// <summary>When true, the sampling temperature at iteration i of n is <see cref="Temperature"/>·(n − i + 1)/n. Default false.</summary>
    public bool AnnealTemperature { get; set; }

    /// <summary>
    /// Scale of the Gumbel noise added to the confidence (log-probability) used to pick which tokens to keep; it anneals
    /// linearly to 0 over a level's iterations (MaskGIT). 0 ranks purely by confidence. Default 1.
    /// </summary>
    public float ConfidenceNoise { get; set; } = 1f;

    /// <summary>Keep only the k most likely tokens before sampling; 0 = off. Default 0.</summary>
    public int TopK { get; set; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches p; 1 = off. Default 1.</summary>
    public float TopP { get; set; } = 1f;

    /// <summary>Decode levels after the first by argmax instead of sampling (the paper's choice). Default true.</summary>
    public bool GreedyFinerLevels { get; set; } = true;

    /// <summary>
    /// Base seed. Request i of a batch uses its own <see cref="GenerationRequest.Seed"/>, or <c>Seed + i</c> when it has none,
    /// and its own random stream, so its tokens do not depend on the other requests in the batch.
    /// </summary>
    public ulong Seed { get; set; }

    /// <summary>Seed-diffusion models: top-r truncation of the predicted distribution (keep classes while the mass above is below r). Default 0.85.</summary>
    public float DiffusionTruncation { get; set; } = 0.85f;

    /// <summary>Seed-diffusion models: 0 = the purity-prior sampler over all 100 steps (default); K ≥ 1 = the fast skip-step sampler (K = 1: 51 calls, K = 4: 21).</summary>
    public int DiffusionSkipSteps { get; set; }

    /// <summary>Seed-diffusion models: how strongly purity sharpens the distribution a revealed token is drawn from. Default 2.</summary>
    public float PurityPriorWeight { get; set; } = 2f;

    /// <summary>Iterations for level <paramref name="level"/>.</summary>
    internal int IterationsFor(int level) =>
        IterationsPerLevel is { } list ? list[level] : level == 0 ? FirstLevelIterations : FinerLevelIterations;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Validate(int codebooks, int codebookSize)
    {
        if (IterationsPerLevel is { } list)
        {
            if (list.Count != codebooks)
                throw new ArgumentOutOfRangeException(nameof(IterationsPerLevel), list.Count,
                    $"IterationsPerLevel needs one entry per codebook: expected {codebooks}, found {list.Count}.");
            for (int q = 0; q < list.Count; q++)
                if (list[q] < 1)
                    throw new ArgumentOutOfRangeException(nameof(IterationsPerLevel), list[q], $"IterationsPerLevel[{q}] must be at least 1.");
        }
        if (FirstLevelIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(FirstLevelIterations), FirstLevelIterations, "Must be at least 1.");
        if (FinerLevelIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(FinerLevelIterations), FinerLevelIterations, "Must be at least 1.");
        if (!(Temperature >= 0) || float.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Must be a finite number ≥ 0.");
        if (!(ConfidenceNoise >= 0) || float.IsInfinity(ConfidenceNoise))
            throw new ArgumentOutOfRangeException(nameof(ConfidenceNoise), ConfidenceNoise, "Must be a finite number ≥ 0.");
        if (TopK < 0 || TopK > codebookSize)
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, $"Must be in 0..{codebookSize} (0 = off).");
        if (!(DiffusionTruncation > 0 && DiffusionTruncation <= 1))
            throw new ArgumentOutOfRangeException(nameof(DiffusionTruncation), DiffusionTruncation, "Must be in (0, 1].");
        if (DiffusionSkipSteps < 0 || DiffusionSkipSteps > 98)
            throw new ArgumentOutOfRangeException(nameof(DiffusionSkipSteps), DiffusionSkipSteps, "Must be in 0..98 (0 = purity-prior sampler).");
        if (!(PurityPriorWeight >= 0) || float.IsInfinity(PurityPriorWeight))
            throw new ArgumentOutOfRangeException(nameof(PurityPriorWeight), PurityPriorWeight, "Must be a finite number ≥ 0.");
        if (!(TopP > 0 && TopP <= 1))
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "Must be in (0, 1] (1 = off).");
    }
}
