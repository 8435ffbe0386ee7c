namespace SoundStorm.Export.Onnx;

/// <summary>Tensor element types, numbered as ONNX's <c>TensorProto.DataType</c>.</summary>
public enum ElementType
{
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    /// <summary>Boolean (one byte per element).</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
    /// <summary>bfloat16.</summary>
    BFloat16 = 16,
}

/// <summary>Sizes of element types.</summary>
public static class ElementTypeInfo
{
    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.Float or ElementType.Int32 => 4,
        ElementType.Int64 or ElementType.Double => 8,
        ElementType.Float16 or ElementType.BFloat16 => 2,
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };
}
