namespace SoundStorm.Export.Checkpoints;

/// <summary>One torch storage: the raw little-endian bytes behind one or more tensors.</summary>
internal sealed record TorchStorage(string Key, CheckpointDType DType, long ElementCount, ReadOnlyMemory<byte> Bytes);

/// <summary>Where storage bytes come from: a zip record, a region of a legacy file, or nowhere (a cataloguing pass).</summary>
internal interface ITorchStorageSource
{
    /// <summary>The bytes of storage <paramref name="key"/> (at least <paramref name="elementCount"/> elements), or null when only cataloguing.</summary>
    ReadOnlyMemory<byte>? Load(string key, CheckpointDType dtype, long elementCount);

    /// <summary>True for a cataloguing pass, where storages (and so tensors) are null by design.</summary>
    bool IsCatalogue => false;
}

/// <summary>The legacy typed storage classes (<c>torch.FloatStorage</c>, ...) and their element types.</summary>
internal static class TorchStorageTypes
{
    private static readonly Dictionary<string, CheckpointDType> ByName = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = CheckpointDType.F32, ["HalfStorage"] = CheckpointDType.F16,
        ["BFloat16Storage"] = CheckpointDType.BF16, ["DoubleStorage"] = CheckpointDType.F64,
        ["LongStorage"] = CheckpointDType.I64, ["IntStorage"] = CheckpointDType.I32,
        ["ShortStorage"] = CheckpointDType.I16, ["CharStorage"] = CheckpointDType.I8,
        ["ByteStorage"] = CheckpointDType.U8, ["BoolStorage"] = CheckpointDType.Bool,
        ["UntypedStorage"] = CheckpointDType.U8,
    };

    internal static bool TryGet(string module, string name, out CheckpointDType dtype)
    {
        dtype = default;
        return module == "torch" && ByName.TryGetValue(name, out dtype);
    }
}
