namespace SoundStorm.Export.Onnx.Quantization;

/// <summary>Which MatMuls <see cref="Int8MatMuls"/> quantises.</summary>
public sealed class Int8Options
{
    /// <summary>
    /// Weight matrices smaller than this many values stay float32 (default 16 384, a 128 × 128 matrix): below it the
    /// per-call cost of quantising the activations outweighs the smaller product, and the bytes saved are negligible.
    /// </summary>
    public long MinElements { get; init; } = 16_384;

    /// <summary>Initializer names to keep in float32 whatever their size (layers whose precision quality needs).</summary>
    public IReadOnlySet<string> KeepFloat { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
