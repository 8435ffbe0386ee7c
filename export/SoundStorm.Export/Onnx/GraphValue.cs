namespace SoundStorm.Export.Onnx;

/// <summary>A named value flowing through a graph under construction (an input, an initializer or a node output).</summary>
/// <param name="Name">The value's unique name inside the graph.</param>
public readonly record struct GraphValue(string Name)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
