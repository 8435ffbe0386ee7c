namespace SoundStorm.Export.Weights;

/// <summary>A float32 weight with its PyTorch-layout shape.</summary>
/// <param name="Data">Values in row-major order.</param>
/// <param name="Shape">Shape as PyTorch stores it (e.g. <c>[out, in]</c> for a Linear weight).</param>
public sealed record WeightTensor(float[] Data, long[] Shape)
{
    /// <summary>The shape written like <c>[3, 4]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
