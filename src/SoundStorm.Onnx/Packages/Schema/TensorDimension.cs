
#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>One dimension of a graph input or output: a fixed size, or a symbol such as <c>batch</c> or <c>frames</c>.</summary>
[JsonConverter(typeof(TensorDimensionJsonConverter))]
readonly partial record struct TensorDimension
{
    private TensorDimension(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbol, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    /// <summary>A fixed dimension.</summary>
    public static TensorDimension Fixed(long size) => new(size, null);

    /// <summary>A symbolic dimension.</summary>
    public static TensorDimension Symbolic(string symbol) => new(null, symbol);

    /// <summary>Fixed sizes convert implicitly.</summary>
    public static implicit operator TensorDimension(long size) => Fixed(size);

    /// <summary>Symbols convert implicitly.</summary>
    public static implicit operator TensorDimension(string symbol) => Symbolic(symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Writes a dimension as a JSON number (fixed) or string (symbolic).</summary>
internal sealed class TensorDimensionJsonConverter : JsonConverter<TensorDimension>
{
    public override TensorDimension Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => TensorDimension.Fixed(reader.GetInt64()),
            JsonTokenType.String => TensorDimension.Symbolic(reader.GetString()!),
            _ => throw new JsonException($"A shape dimension must be a number or a string, not {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, TensorDimension value, JsonSerializerOptions options)
    {
        if (value.Symbol is { } s) writer.WriteStringValue(s);
        else writer.WriteNumberValue(value.Size!.Value);
    }
}
