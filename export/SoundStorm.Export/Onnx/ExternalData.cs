using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx;

/// <summary>ONNX external-data references: <c>location</c>, <c>offset</c>, <c>length</c> entries on a TensorProto.</summary>
internal static class ExternalData
{
    /// <summary>Alignment of each tensor in the data file, so runtimes can memory-map it.</summary>
    public const int Alignment = 4096;

    /// <summary>Marks <paramref name="proto"/> as stored at <paramref name="offset"/> in the file <paramref name="location"/>.</summary>
    public static void Point(TensorProto proto, string location, long offset, long length)
    {
        proto.DataLocation = TensorProto.Types.DataLocation.External;
        proto.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        proto.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
        proto.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>Reads an externally stored tensor, refusing locations that leave <paramref name="baseDirectory"/>.</summary>
    public static TensorData Read(TensorProto proto, string baseDirectory)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var entry in proto.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseNonNegative(proto, entry); break;
                case "length": length = ParseNonNegative(proto, entry); break;
            }
        }
        if (string.IsNullOrEmpty(location)) throw new OnnxFormatException($"Tensor '{proto.Name}': external data has no 'location'.");
        string root = Path.GetFullPath(baseDirectory);
        string file = Path.GetFullPath(Path.Combine(root, location));
        if (!file.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new OnnxFormatException($"Tensor '{proto.Name}': external data location '{location}' points outside '{root}'.");
        if (!File.Exists(file)) throw new OnnxFormatException($"Tensor '{proto.Name}': external data file '{file}' does not exist.");

        var type = (ElementType)proto.DataType;
        long count = 1;
        foreach (long d in proto.Dims) count = checked(count * d);
        long expected = count * ElementTypeInfo.SizeOf(type);
        if (length >= 0 && length != expected)
            throw new OnnxFormatException($"Tensor '{proto.Name}': external length {length} does not match its shape ({expected} bytes expected).");
        long fileLength = new FileInfo(file).Length;
        if (offset > fileLength - expected) // not offset + expected: a huge offset would overflow past the check
            throw new OnnxFormatException($"Tensor '{proto.Name}': external data of {expected} bytes at offset {offset} lies beyond the end of '{file}' ({fileLength} bytes).");
        if (expected > Array.MaxLength)
            throw new OnnxFormatException($"Tensor '{proto.Name}': {expected} bytes are too many to read into memory at once.");

        var bytes = new byte[expected];
        using (var stream = File.OpenRead(file))
        {
            stream.Position = offset;
            stream.ReadExactly(bytes);
        }
        return TensorData.FromBytes(type, bytes, proto.Dims.ToArray());
    }

    private static long ParseNonNegative(TensorProto proto, StringStringEntryProto entry) =>
        long.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new OnnxFormatException($"Tensor '{proto.Name}': external data '{entry.Key}' = '{entry.Value}' is not a non-negative integer.");
}
