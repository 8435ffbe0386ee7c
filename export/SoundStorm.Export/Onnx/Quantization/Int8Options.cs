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

    /// <summary>
    /// How many blocks at each end of the transformer stack (weights named <c>blocks.{i}.…</c>) keep their matrices
    /// outside attention — feed-forward and convolution module — in float32; 0 (the default) quantises every block.
    /// The per-tensor activation scale costs the most precision there: an error in the first blocks is carried
    /// through the whole stack, and the last blocks' output goes straight into the logits. Attention's projections
    /// lose little and stay quantised.
    /// </summary>
    public int FloatEdgeBlocks { get; init; }
}
