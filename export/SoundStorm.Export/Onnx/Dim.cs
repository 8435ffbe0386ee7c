namespace SoundStorm.Export.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name such as <c>"batch"</c>.</summary>
public readonly record struct Dim
{
    private Dim(long? size, string? symbol) { Size = size; Symbol = symbol; }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    /// <summary>A fixed-size dimension.</summary>
    public static Dim Fixed(long size) =>
        size >= 0 ? new Dim(size, null) : throw new ArgumentOutOfRangeException(nameof(size), size, "A dimension cannot be negative.");

    /// <summary>A symbolic dimension; inputs sharing a name must agree at run time.</summary>
    public static Dim Symbolic(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("A symbolic dimension needs a name.", nameof(name)) : new Dim(null, name);

    /// <summary>Fixed size from an integer.</summary>
    public static implicit operator Dim(long size) => Fixed(size);

    /// <summary>Symbolic dimension from a name.</summary>
    public static implicit operator Dim(string name) => Symbolic(name);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
