namespace SoundStorm.Benchmarks.Models;

/// <summary>
/// A named acoustic-model shape the scenarios run, of either family; the model writer writes its random-weight package
/// once and caches it.
/// </summary>
internal sealed class BenchmarkModel
{
    private readonly Lazy<ModelShape> _shape;

    private BenchmarkModel(string name)
    {
        Name = name;
        _shape = new(() => ModelWriter.Run<ModelShape>("shape", name));
    }

    /// <summary>The paper's model: 12-layer 1024-wide Conformer, 16 heads, FF 4096, 12 codebooks × 1024 (≈ 350 M with heads).</summary>
    public static BenchmarkModel Paper { get; } = new("paper");

    /// <summary>A mid size: 6 layers × 512, 8 heads, 8 codebooks.</summary>
    public static BenchmarkModel Mid { get; } = new("mid");

    /// <summary>A tiny model for the smoke mode (harness correctness only).</summary>
    public static BenchmarkModel Tiny { get; } = new("tiny");

    /// <summary>The seed implementation's released configuration: 16 layers × 512, 8 heads, U-Net combiner, K = 500, Q = 4 × 1024.</summary>
    public static BenchmarkModel SeedDefault { get; } = new("seed-default");

    /// <summary>A tiny seed-family model for the smoke mode.</summary>
    public static BenchmarkModel SeedTiny { get; } = new("seed-tiny");

    public string Name { get; }

    public ModelShape Config => _shape.Value;

    /// <summary>Learned parameters of the transformer and combiner (weights only).</summary>
    public long Parameters => Config.Parameters;

    /// <summary>
    /// The package folder under <paramref name="cacheRoot"/>, written on first use; with <paramref name="int8"/> the
    /// transformer is quantised as <c>pack --int8</c> does (the same random weights otherwise).
    /// </summary>
    public string EnsurePackage(string cacheRoot, bool int8 = false) =>
        ModelWriter.Run<ModelWriter.Written>(["package", cacheRoot, Name, .. int8 ? new[] { "--int8" } : []]).Path;
}
