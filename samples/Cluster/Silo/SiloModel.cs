using SoundStorm.Onnx;

namespace Cluster;

/// <summary>
/// The model a silo serves: the package is loaded once when the silo starts and its sessions are shared by every
/// call (the pipeline is thread-safe), so a call pays for generation only, never for loading.
/// </summary>
public sealed class SiloModel : IDisposable
{
    /// <summary>Loads the package (folder or .zip) with <paramref name="options"/> (default <see cref="ServingOptions"/>).</summary>
    /// <exception cref="SoundStorm.Onnx.ModelPackageException">The package is missing or invalid.</exception>
    public SiloModel(string packagePath, PipelineOptions? options = null) =>
        Pipeline = SoundStormPipeline.Load(packagePath, options ?? ServingOptions());

    /// <summary>The shared pipeline.</summary>
    public SoundStormPipeline Pipeline { get; }

    /// <summary>
    /// Pipeline settings for serving: one thread per graph run, because the silo already runs about one call per core
    /// (<see cref="WorkAdmission"/>) and intra-op threads on top would only contend for the same cores. Every silo of
    /// a cluster must use the same settings, or the same request would sound different on different silos.
    /// </summary>
    /// <param name="firstLevelIterations">MaskGIT iterations on the first level (the paper's 16; fewer are faster).</param>
    /// <param name="windowSeconds">Audio generated, and streamed back, per window.</param>
    public static PipelineOptions ServingOptions(int firstLevelIterations = 16, double windowSeconds = 10) => new()
    {
        Session = new SessionSettings { IntraOpThreads = 1 },
        Generation = { FirstLevelIterations = firstLevelIterations },
        WindowSeconds = windowSeconds,
        // Each window is conditioned on the end of the one before; a third of a short window leaves room to generate.
        WindowOverlapSeconds = Math.Min(3, windowSeconds * 0.3),
    };

    /// <inheritdoc />
    public void Dispose() => Pipeline.Dispose();
}
