using System.Buffers.Binary;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (<c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}</c>), then the raw
/// little-endian tensor bytes, offsets relative to the end of the header.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>Largest header accepted; real headers are kilobytes, so anything larger is corrupt.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads every tensor of a safetensors file into memory.</summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="CheckpointFormatException">The file is truncated or its header is malformed or inconsistent.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads only the header's <c>__metadata__</c> strings (the header is still checked whole), without loading any
    /// tensor: cheap even for a checkpoint of hundreds of megabytes.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="CheckpointFormatException">The file is truncated or its header is malformed or inconsistent.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return ReadHeader(stream, path).Metadata;
    }

    /// <summary>Reads every tensor from a seekable stream holding a whole safetensors file from position 0.</summary>
    /// <param name="stream">The bytes; the stream is not closed.</param>
    /// <param name="path">Name used in error messages (the file name or URL).</param>
    /// <exception cref="CheckpointFormatException">The bytes are truncated or the header is malformed or inconsistent.</exception>
    public static SafeTensorsContent Read(Stream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(path);
        var (entries, metadata, dataStart) = ReadHeader(stream, path);
        var tensors = new List<CheckpointTensor>(entries.Count);
        foreach (SafeTensorsEntry entry in entries)
        {
            long size = entry.End - entry.Begin;
            if (size > Array.MaxLength)
            {
                throw new CheckpointFormatException($"{path}: tensor '{entry.Name}' has {size} bytes, more than one array can hold.");
            }

            var bytes = new byte[size];
            stream.Position = dataStart + entry.Begin;
            stream.ReadExactly(bytes);
            tensors.Add(new CheckpointTensor(entry.Name, entry.DType, entry.Shape, bytes));
        }

        return new SafeTensorsContent(tensors, metadata);
    }

    private static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(Stream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw new CheckpointFormatException($"{path}: {fileLength} bytes is too short for a safetensors file (needs an 8-byte header length).");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, fileLength - 8))
        {
            throw new CheckpointFormatException(
                $"{path}: header length {headerLength} exceeds the {fileLength - 8} bytes after it (limit {MaxHeaderBytes}).");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        var (entries, metadata) = SafeTensorsHeader.Parse(header, fileLength - dataStart, path);
        return (entries, metadata, dataStart);
    }

    /// <summary>
    /// Writes tensors (in the given order, contiguous) and optional metadata. The file is written under a temporary
    /// name in the same folder and moved into place, so a reader never sees a half-written file.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors; names must be unique and non-empty.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <exception cref="ArgumentException">A name is empty, duplicated or <c>__metadata__</c>.</exception>
    public static void Write(string path, IEnumerable<CheckpointTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        CheckpointTensor[] list = [.. tensors];
        byte[] header = BuildHeader(list, metadata);

        string fullPath = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Span<byte> lengthBytes = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
                stream.Write(lengthBytes);
                stream.Write(header);
                foreach (CheckpointTensor tensor in list) stream.Write(tensor.Data.Span);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static byte[] BuildHeader(CheckpointTensor[] tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (CheckpointTensor tensor in tensors)
            {
                if (tensor.Name.Length == 0 || tensor.Name == SafeTensorsHeader.MetadataKey || !names.Add(tensor.Name))
                {
                    throw new ArgumentException($"Tensor name '{tensor.Name}' is empty, reserved or used twice.", nameof(tensors));
                }

                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", SafeTensorsHeader.NameOf(tensor.DType));
                json.WriteStartArray("shape");
                foreach (long dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad with spaces so the data section starts 8-byte aligned (valid JSON whitespace).
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
