namespace SoundStorm.Export.NumPy;

/// <summary>Maps element types to NumPy <c>descr</c> codes, sizes and CLR types.</summary>
internal static class NpyElementTypes
{
    public static int SizeOf(NpyElementType type) => type switch
    {
        NpyElementType.Int8 or NpyElementType.UInt8 or NpyElementType.Bool => 1,
        NpyElementType.Float16 or NpyElementType.Int16 or NpyElementType.UInt16 => 2,
        NpyElementType.Float32 or NpyElementType.Int32 or NpyElementType.UInt32 => 4,
        _ => 8,
    };

    /// <summary>The kind letter and size NumPy writes after the byte-order mark, e.g. <c>f4</c>.</summary>
    public static string Code(NpyElementType type) => type switch
    {
        NpyElementType.Float16 => "f2",
        NpyElementType.Float32 => "f4",
        NpyElementType.Float64 => "f8",
        NpyElementType.Int8 => "i1",
        NpyElementType.Int16 => "i2",
        NpyElementType.Int32 => "i4",
        NpyElementType.Int64 => "i8",
        NpyElementType.UInt8 => "u1",
        NpyElementType.UInt16 => "u2",
        NpyElementType.UInt32 => "u4",
        NpyElementType.UInt64 => "u8",
        NpyElementType.Bool => "b1",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };

    public static bool TryParseCode(string code, out NpyElementType type)
    {
        foreach (NpyElementType candidate in Enum.GetValues<NpyElementType>())
        {
            if (Code(candidate) == code)
            {
                type = candidate;
                return true;
            }
        }
        // NumPy also writes "?" for bool.
        type = NpyElementType.Bool;
        return code == "?";
    }

    public static Array Allocate(NpyElementType type, int length) => type switch
    {
        NpyElementType.Float16 => new Half[length],
        NpyElementType.Float32 => new float[length],
        NpyElementType.Float64 => new double[length],
        NpyElementType.Int8 => new sbyte[length],
        NpyElementType.Int16 => new short[length],
        NpyElementType.Int32 => new int[length],
        NpyElementType.Int64 => new long[length],
        NpyElementType.UInt8 => new byte[length],
        NpyElementType.UInt16 => new ushort[length],
        NpyElementType.UInt32 => new uint[length],
        NpyElementType.UInt64 => new ulong[length],
        NpyElementType.Bool => new bool[length],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };

    public static NpyElementType FromClrType(Type clr)
    {
        if (clr == typeof(Half)) return NpyElementType.Float16;
        if (clr == typeof(float)) return NpyElementType.Float32;
        if (clr == typeof(double)) return NpyElementType.Float64;
        if (clr == typeof(sbyte)) return NpyElementType.Int8;
        if (clr == typeof(short)) return NpyElementType.Int16;
        if (clr == typeof(int)) return NpyElementType.Int32;
        if (clr == typeof(long)) return NpyElementType.Int64;
        if (clr == typeof(byte)) return NpyElementType.UInt8;
        if (clr == typeof(ushort)) return NpyElementType.UInt16;
        if (clr == typeof(uint)) return NpyElementType.UInt32;
        if (clr == typeof(ulong)) return NpyElementType.UInt64;
        if (clr == typeof(bool)) return NpyElementType.Bool;
        throw new ArgumentException($"Element type {clr.Name} cannot be stored in a .npy file by this library.", nameof(clr));
    }
}
