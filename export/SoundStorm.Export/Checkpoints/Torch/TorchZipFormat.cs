using System.Text;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// torch.save's zip format (default since torch 1.6): <c>&lt;folder&gt;/data.pkl</c> (the pickle) and one
/// <c>&lt;folder&gt;/data/&lt;key&gt;</c> record of raw little-endian bytes per storage. The folder name varies
/// (the file name, or <c>archive</c>), so it is taken from wherever <c>data.pkl</c> is.
/// </summary>
internal static class TorchZipFormat
{
    internal static object? Load(Stream stream, string source, TorchLoadOptions options)
    {
        TorchZipArchive archive = TorchZipArchive.Open(stream, source);
        string[] pickles = [.. archive.Names.Where(n => n == "data.pkl" || (n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length))];
        if (pickles.Length != 1)
        {
            throw new CheckpointFormatException(
                $"{source}: expected exactly one '<folder>/data.pkl' record in the zip, found {pickles.Length} ({string.Join(", ", pickles)}).");
        }

        string prefix = pickles[0][..^"data.pkl".Length];
        if (archive.Contains(prefix + "byteorder"))
        {
            string order = Encoding.ASCII.GetString(archive.Read(prefix + "byteorder", 16)).Trim();
            if (order != "little") throw new CheckpointFormatException($"{source}: byteorder record says '{order}'; only 'little' is supported.");
        }

        byte[] pickle = archive.Read(pickles[0], options.MaxPickleBytes);
        var resolver = new TorchPickleResolver(new ZipStorageSource(archive, prefix, source), options, $"{source}:{pickles[0]}");
        return PickleMachine.Load(new PickleInput(new MemoryStream(pickle, writable: false), pickle.Length, $"{source}:{pickles[0]}"), resolver);
    }

    /// <summary>Reads each storage record once; tensors that share a storage share its bytes.</summary>
    private sealed class ZipStorageSource(TorchZipArchive archive, string prefix, string source) : ITorchStorageSource
    {
        private readonly Dictionary<string, byte[]> _cache = new(StringComparer.Ordinal);

        public ReadOnlyMemory<byte>? Load(string key, CheckpointDType dtype, long elementCount)
        {
            if (!_cache.TryGetValue(key, out byte[]? bytes))
            {
                string record = $"{prefix}data/{key}";
                if (!archive.Contains(record)) throw new CheckpointFormatException($"{source}: storage record '{record}' is missing.");
                bytes = archive.Read(record, long.MaxValue);
                _cache[key] = bytes;
            }

            if (elementCount > bytes.Length / dtype.ItemSize())
            {
                throw new CheckpointFormatException(
                    $"{source}: storage '{key}' should hold {elementCount} {dtype} elements ({elementCount * dtype.ItemSize()} bytes), its record has {bytes.Length} bytes.");
            }

            return bytes;
        }
    }
}
