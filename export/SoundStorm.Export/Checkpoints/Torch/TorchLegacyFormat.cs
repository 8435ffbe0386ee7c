using System.Numerics;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// torch.save's legacy stream (<c>_use_new_zipfile_serialization=False</c>): pickles of the magic number, the
/// protocol version, sys_info, the object and the sorted storage keys, then per key an int64 element count and the
/// raw bytes. Storage element types are only known from the object pickle, so it is read twice: once to list the
/// storages, once (after locating their bytes) to build the tensors.
/// </summary>
internal static class TorchLegacyFormat
{
    private static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture);
    private const long ProtocolVersion = 1001;

    internal static object? Load(Stream stream, string source, TorchLoadOptions options)
    {
        var input = new PickleInput(stream, stream.Length, source);
        var plain = new TorchPickleResolver(new NoStorages(), options, source);
        object? magic = PickleMachine.Load(input, plain);
        if (magic is not BigInteger m || m != MagicNumber)
        {
            throw new CheckpointFormatException($"{source}: not a torch checkpoint (neither a zip archive nor the legacy magic number; found {magic ?? "None"}).");
        }

        object? protocol = PickleMachine.Load(input, plain);
        if (protocol is not ProtocolVersion) throw new CheckpointFormatException($"{source}: legacy protocol version {protocol}, expected {ProtocolVersion}.");
        if (PickleMachine.Load(input, plain) is CheckpointDict sysInfo && sysInfo.TryGetValue("little_endian", out object? little) && little is false)
        {
            throw new CheckpointFormatException($"{source}: the checkpoint was written on a big-endian machine, which is not supported.");
        }

        // Pass 1: learn each storage's element type from the object pickle without building tensors.
        long objectStart = input.Position;
        var catalogue = new TorchPickleResolver(new NoStorages(), options, source);
        PickleMachine.Load(input, catalogue);
        Dictionary<string, CheckpointDType> types = [];
        foreach (var (key, dtype, _) in catalogue.StorageIds) types.TryAdd(key, dtype);

        var storages = new LegacyStorageSource(stream, source);
        if (PickleMachine.Load(input, plain) is not List<object?> keys) throw new CheckpointFormatException($"{source}: the storage key list is not a list.");
        foreach (object? keyObject in keys)
        {
            string key = keyObject as string ?? throw new CheckpointFormatException($"{source}: storage key {keyObject} is not a string.");
            if (!types.TryGetValue(key, out CheckpointDType dtype)) throw new CheckpointFormatException($"{source}: storage '{key}' is listed but never used.");
            long count = input.ReadInt64();
            if (count < 0 || count > input.Remaining / dtype.ItemSize())
            {
                throw new CheckpointFormatException($"{source}: storage '{key}' claims {count} {dtype} elements, more than the {input.Remaining} bytes left.");
            }

            storages.Add(key, input.Position, count * dtype.ItemSize());
            input.Skip(count * dtype.ItemSize(), $"storage '{key}'");
        }

        // Pass 2: build the object with the storages now located.
        stream.Position = objectStart;
        return PickleMachine.Load(input, new TorchPickleResolver(storages, options, source));
    }

    /// <summary>For the pickles read before the storages are located: tensors come out as null.</summary>
    private sealed class NoStorages : ITorchStorageSource
    {
        public bool IsCatalogue => true;

        public ReadOnlyMemory<byte>? Load(string key, CheckpointDType dtype, long elementCount) => null;
    }

    private sealed class LegacyStorageSource(Stream stream, string source) : ITorchStorageSource
    {
        private readonly Dictionary<string, (long Offset, long Length)> _located = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]> _cache = new(StringComparer.Ordinal);

        internal void Add(string key, long offset, long length) => _located[key] = (offset, length);

        public ReadOnlyMemory<byte>? Load(string key, CheckpointDType dtype, long elementCount)
        {
            if (!_cache.TryGetValue(key, out byte[]? bytes))
            {
                if (!_located.TryGetValue(key, out var region)) throw new CheckpointFormatException($"{source}: storage '{key}' has no data in the file.");
                if (region.Length > Array.MaxLength) throw new CheckpointFormatException($"{source}: storage '{key}' has {region.Length} bytes, more than one array can hold.");
                bytes = new byte[region.Length];
                long saved = stream.Position;
                stream.Position = region.Offset;
                stream.ReadExactly(bytes);
                stream.Position = saved;
                _cache[key] = bytes;
            }

            if (elementCount > bytes.Length / dtype.ItemSize())
            {
                throw new CheckpointFormatException($"{source}: storage '{key}' should hold {elementCount} {dtype} elements, the file has {bytes.Length} bytes for it.");
            }

            return bytes;
        }
    }
}
