using Google.Protobuf;
using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx;

/// <summary>Conversions between <see cref="TensorData"/> and ONNX <see cref="TensorProto"/> messages.</summary>
internal static class TensorProtos
{
    /// <summary>A TensorProto with the data inline in <c>raw_data</c>.</summary>
    public static TensorProto Inline(string name, TensorData data)
    {
        var proto = Header(name, data);
        proto.RawData = ByteString.CopyFrom(data.GetBytes().Span);
        return proto;
    }

    /// <summary>A TensorProto with name, type and dims only.</summary>
    public static TensorProto Header(string name, TensorData data)
    {
        var proto = new TensorProto { Name = name, DataType = (int)data.ElementType };
        proto.Dims.AddRange(data.Shape);
        return proto;
    }

    /// <summary>Reads a TensorProto's values (raw_data or the typed fields) back into <see cref="TensorData"/>.</summary>
    public static TensorData ToTensorData(TensorProto proto, string? baseDirectory = null)
    {
        var type = (ElementType)proto.DataType;
        if (!Enum.IsDefined(type))
            throw new OnnxFormatException($"Tensor '{proto.Name}': element type {proto.DataType} is not supported by this reader.");
        long[] shape = proto.Dims.ToArray();
        foreach (long d in shape)
            if (d < 0) throw new OnnxFormatException($"Tensor '{proto.Name}': negative dimension {d} in [{string.Join(", ", shape)}].");
        try
        {
            return Decode(proto, type, shape, baseDirectory);
        }
        catch (ArgumentException e)
        {
            // The stored values do not fill the declared shape.
            throw new OnnxFormatException($"Tensor '{proto.Name}': {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new OnnxFormatException($"Tensor '{proto.Name}': shape [{string.Join(", ", shape)}] is too large.", e);
        }
    }

    private static TensorData Decode(TensorProto proto, ElementType type, long[] shape, string? baseDirectory)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            return ExternalData.Read(proto, baseDirectory ?? throw new OnnxFormatException($"Tensor '{proto.Name}' has external data but no base directory was given."));
        if (!proto.RawData.IsEmpty) return TensorData.FromBytes(type, proto.RawData.ToByteArray(), shape);
        return type switch
        {
            ElementType.Float => TensorData.FromFloat(proto.FloatData.ToArray(), shape),
            ElementType.Int64 => TensorData.FromInt64(proto.Int64Data.ToArray(), shape),
            ElementType.Double => TensorData.FromBytes(type, System.Runtime.InteropServices.MemoryMarshal.AsBytes(proto.DoubleData.ToArray().AsSpan()).ToArray(), shape),
            ElementType.Int32 => TensorData.FromBytes(type, System.Runtime.InteropServices.MemoryMarshal.AsBytes(proto.Int32Data.ToArray().AsSpan()).ToArray(), shape),
            ElementType.Bool or ElementType.UInt8 or ElementType.Int8 => TensorData.FromBytes(type, Narrow(proto.Int32Data), shape),
            ElementType.Float16 or ElementType.BFloat16 => TensorData.FromBytes(type, Halves(proto.Int32Data), shape),
            _ => throw new OnnxFormatException($"Tensor '{proto.Name}': element type {proto.DataType} is not supported by this reader."),
        };
    }

    private static byte[] Narrow(IList<int> values)
    {
        var bytes = new byte[values.Count];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = unchecked((byte)values[i]);
        return bytes;
    }

    // ONNX stores 16-bit floats in int32_data, one value's bit pattern per entry.
    private static byte[] Halves(IList<int> values)
    {
        var bytes = new byte[values.Count * 2];
        for (int i = 0; i < values.Count; i++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), unchecked((ushort)values[i]));
        return bytes;
    }
}
