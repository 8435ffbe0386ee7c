
namespace SoundStorm.Export.Checkpoints;

/// <summary>One tensor entry of a safetensors header: where its bytes lie in the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, CheckpointDType DType, long[] Shape, long Begin, long End);

/// <summary>Parses and validates the JSON header of a safetensors file.</summary>
internal static class SafeTensorsHeader
{
    internal const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, CheckpointDType> DTypeNames = new(StringComparer.Ordinal)
    {
        ["F32"] = CheckpointDType.F32, ["F16"] = CheckpointDType.F16, ["BF16"] = CheckpointDType.BF16,
        ["F64"] = CheckpointDType.F64, ["I64"] = CheckpointDType.I64, ["I32"] = CheckpointDType.I32,
        ["I16"] = CheckpointDType.I16, ["I8"] = CheckpointDType.I8, ["U8"] = CheckpointDType.U8,
        ["BOOL"] = CheckpointDType.Bool,
    };

    internal static string NameOf(CheckpointDType dtype) => dtype == CheckpointDType.Bool ? "BOOL" : dtype.ToString();

    /// <summary>Parses the header and checks every entry against the data section's length.</summary>
    internal static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string file)
    {
        // The JSON reader decodes names lazily; check the encoding first so bad bytes are a format error, not a crash later.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new CheckpointFormatException($"{file}: the safetensors header is not valid UTF-8.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{file}: the safetensors header is not valid JSON ({e.Message}).", e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException($"{file}: the safetensors header must be a JSON object, found {doc.RootElement.ValueKind}.");
            }

            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new CheckpointFormatException($"{file}: the safetensors header names '{property.Name}' twice.");
                }

                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata, file);
                else entries.Add(ReadEntry(property.Name, property.Value, dataLength, file));
            }

            CheckNoOverlap(entries, file);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException($"{file}: '{MetadataKey}' must be an object of strings, found {value.ValueKind}.");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointFormatException(
                    $"{file}: '{MetadataKey}.{item.Name}' must be a string, found {item.Value.ValueKind}.");
            }

            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonElement value, long dataLength, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException($"{file}: tensor '{name}': expected an object with dtype/shape/data_offsets, found {value.ValueKind}.");
        }

        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new CheckpointFormatException($"{file}: tensor '{name}': missing string field 'dtype'.");
        }

        string dtypeName = dtypeElement.GetString()!;
        if (!DTypeNames.TryGetValue(dtypeName, out CheckpointDType dtype))
        {
            throw new CheckpointFormatException(
                $"{file}: tensor '{name}': unsupported dtype '{dtypeName}' (expected one of {string.Join(", ", DTypeNames.Keys)}).");
        }

        long[] shape = ReadInts(value, "shape", name, file, expectedCount: null);
        long[] offsets = ReadInts(value, "data_offsets", name, file, expectedCount: 2);
        (long begin, long end) = (offsets[0], offsets[1]);
        if (begin > end || end > dataLength)
        {
            throw new CheckpointFormatException(
                $"{file}: tensor '{name}': data_offsets [{begin}, {end}] are outside the data section of {dataLength} bytes.");
        }

        long? count = CheckpointTensor.CountElements(shape);
        long? bytes = count is { } c && c <= long.MaxValue / dtype.ItemSize() ? c * dtype.ItemSize() : null;
        if (bytes != end - begin)
        {
            throw new CheckpointFormatException(
                $"{file}: tensor '{name}': {dtypeName} shape [{string.Join(", ", shape)}] needs {bytes?.ToString() ?? "too many"} bytes, data_offsets give {end - begin}.");
        }

        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadInts(JsonElement value, string field, string name, string file, int? expectedCount)
    {
        if (!value.TryGetProperty(field, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException($"{file}: tensor '{name}': missing array field '{field}'.");
        }

        int length = array.GetArrayLength();
        if (expectedCount is { } n && length != n)
        {
            throw new CheckpointFormatException($"{file}: tensor '{name}': '{field}' must have {n} entries, found {length}.");
        }

        if (length > 64)
        {
            throw new CheckpointFormatException($"{file}: tensor '{name}': '{field}' has {length} entries (at most 64 supported).");
        }

        var result = new long[length];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw new CheckpointFormatException($"{file}: tensor '{name}': '{field}' must hold non-negative integers, found {item.GetRawText()}.");
            }

            result[i++] = v;
        }

        return result;
    }

    private static void CheckNoOverlap(List<SafeTensorsEntry> entries, string file)
    {
        SafeTensorsEntry[] sorted = [.. entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin)];
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Begin < sorted[i - 1].End)
            {
                throw new CheckpointFormatException(
                    $"{file}: tensors '{sorted[i - 1].Name}' [{sorted[i - 1].Begin}, {sorted[i - 1].End}] and '{sorted[i].Name}' [{sorted[i].Begin}, {sorted[i].End}] overlap.");
            }
        }
    }
}
