namespace SoundStorm.Onnx.Packages;

/// <summary>A graph input or output as the manifest declares it.</summary>
public sealed class TensorSpec
{
    /// <summary>The input/output name in the ONNX graph.</summary>
    public string Name { get; set; } = "";

    /// <summary>Element type: <c>float</c>, <c>float16</c>, <c>double</c>, <c>int64</c>, <c>int32</c>, <c>int8</c>, <c>uint8</c> or <c>bool</c>.</summary>
    public string ElementType { get; set; } = "";

    /// <summary>The dimensions, fixed or symbolic.</summary>
    public List<TensorDimension> Shape { get; set; } = [];

    /// <summary>Creates a spec.</summary>
    public static TensorSpec Of(string name, string elementType, params TensorDimension[] shape) =>
        new() { Name = name, ElementType = elementType, Shape = [.. shape] };

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape)}]";
}
