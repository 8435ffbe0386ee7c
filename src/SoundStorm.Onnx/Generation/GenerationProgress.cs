
namespace SoundStorm.Onnx;

/// <summary>Where a generation run stands after one network call.</summary>
/// <param name="Step">Network calls completed so far (1-based after the first call).</param>
/// <param name="TotalSteps">Network calls the whole run will make.</param>
/// <param name="Level">The codebook level (0-based) that the last call decoded; for diffusion, always 0.</param>
/// <param name="Iteration">The iteration within that level (1-based), or the diffusion step index.</param>
/// <param name="IterationsInLevel">Iterations this level takes.</param>
public readonly record struct GenerationProgress(int Step, int TotalSteps, int Level, int Iteration, int IterationsInLevel)
{
    /// <summary>Fraction of the run (of the current window, when windowed) done, in [0, 1].</summary>
    public double Fraction => TotalSteps == 0 ? 1 : (double)Step / TotalSteps;

    /// <summary>The window (0-based) this step belongs to when a long input is generated in windows; 0 otherwise.</summary>
    public int Window { get; init; }

    /// <summary>How many windows the whole input takes (1 when it fits in one).</summary>
    public int Windows { get; init; } = 1;

    /// <summary>Fraction of the whole input done, over all windows, in [0, 1].</summary>
    public double OverallFraction => (Window + Fraction) / Math.Max(1, Windows);
}
