namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// Working rows for <see cref="DiffusionPosterior"/>, allocated once per sampler so that a step allocates nothing:
/// three float64 rows and one index row of up to <see cref="Length"/> entries (the classes with the mask).
/// </summary>
internal sealed class PosteriorScratch(int length)
{
    /// <summary>The longest row the scratch serves.</summary>
    public int Length { get; } = length;

    public double[] First { get; } = new double[length];

    public double[] Second { get; } = new double[length];

    /// <summary>
    /// e^(log p̂₀) of the row <see cref="DiffusionPosterior.TruncateTopR"/> last truncated, as the truncated row's own
    /// float32 values give it: what <see cref="DiffusionPosterior.Posterior"/> would otherwise compute again.
    /// </summary>
    public double[] Probabilities { get; } = new double[length];

    public int[] Indices { get; } = new int[length];
}
