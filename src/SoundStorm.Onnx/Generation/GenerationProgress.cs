namespace SoundStorm.Onnx.Generation;

/// <summary>Where a generation run stands after one network call.</summary>
/// <param name="Step">Network calls completed so far (1-based after the first call).</param>
/// <param name="TotalSteps">Network calls the whole run will make.</param>
/// <param name="Level">The codebook level (0-based) that the last call decoded; for diffusion, always 0.</param>
/// <param name="Iteration">The iteration within that level (1-based), or the diffusion step index.</param>
/// <param name="IterationsInLevel">Iterations this level takes.</param>
public readonly record struct GenerationProgress(int Step, int TotalSteps, int Level, int Iteration, int IterationsInLevel)
{
    /// <summary>Fraction of the run done, in [0, 1].</summary>
    public double Fraction => TotalSteps == 0 ? 1 : (double)Step / TotalSteps;
}
