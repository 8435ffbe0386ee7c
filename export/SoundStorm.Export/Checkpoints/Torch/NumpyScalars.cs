using System.Buffers.Binary;

namespace SoundStorm.Export.Checkpoints;

/// <summary>A numpy dtype as pickled by <c>numpy.dtype(code, align, copy)</c> plus its BUILD state (byte order).</summary>
internal sealed class NumpyDType(string code)
{
    internal string Code { get; } = code;

    internal char ByteOrder { get; set; } = '<';
}

/// <summary>
/// Decodes numpy scalars (<c>numpy.core.multiarray.scalar(dtype, bytes)</c>), which training scripts often store
/// for losses or step counts, into plain <see cref="double"/>, <see cref="long"/> or <see cref="bool"/> values.
/// </summary>
internal static class NumpyScalars
{
    private static readonly HashSet<string> Codes = ["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1"];

    internal static NumpyDType NewDType(string code, string source) =>
        Codes.Contains(code) ? new NumpyDType(code) : throw new CheckpointFormatException($"{source}: numpy dtype '{code}' is not supported (expected one of {string.Join(", ", Codes)}).");

    /// <summary>numpy's dtype state is a tuple whose second item is the byte order ('&lt;', '&gt;', '|' or '=').</summary>
    internal static void ApplyState(NumpyDType dtype, object? state, string source)
    {
        if (state is not CheckpointTuple { Count: >= 2 } tuple || tuple[1] is not string { Length: 1 } order || "<>|=".IndexOf(order[0]) < 0)
        {
            throw new CheckpointFormatException($"{source}: numpy dtype '{dtype.Code}' has an unexpected state {state}.");
        }

        dtype.ByteOrder = order[0];
    }

    internal static object Decode(NumpyDType dtype, byte[] bytes, string source)
    {
        int size = dtype.Code[1] - '0';
        if (bytes.Length != size)
        {
            throw new CheckpointFormatException($"{source}: numpy scalar of dtype '{dtype.Code}' needs {size} bytes, found {bytes.Length}.");
        }

        if (dtype.ByteOrder == '>' && size > 1) Array.Reverse(bytes);
        return dtype.Code switch
        {
            "f8" => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            "f4" => (double)BinaryPrimitives.ReadSingleLittleEndian(bytes),
            "f2" => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
            "i8" => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            "i4" => (long)BinaryPrimitives.ReadInt32LittleEndian(bytes),
            "i2" => (long)BinaryPrimitives.ReadInt16LittleEndian(bytes),
            "i1" => (long)(sbyte)bytes[0],
            "u8" => BinaryPrimitives.ReadUInt64LittleEndian(bytes) is var u && u <= long.MaxValue ? (object)(long)u : new System.Numerics.BigInteger(u),
            "u4" => (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            "u2" => (long)BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            "u1" => (long)bytes[0],
            _ => bytes[0] != 0,
        };
    }
}
