namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// Reads PyTorch checkpoints (<c>torch.save</c>; zip and legacy formats) as data only, with no Python and without
/// running anything the pickle names: only a fixed allow-list of data-only globals is accepted and any other global
/// fails with <see cref="UnsafeCheckpointException"/>.
/// </summary>
/// <remarks>
/// Values come back as: <see cref="CheckpointDict"/> (dict / OrderedDict, key order kept), <c>List&lt;object?&gt;</c>
/// (list), <see cref="CheckpointTuple"/> (tuple), <c>HashSet&lt;object?&gt;</c> (set / frozenset), <see cref="string"/>,
/// <see cref="long"/> (or <see cref="System.Numerics.BigInteger"/> beyond 64 bits), <see cref="double"/>,
/// <see cref="bool"/>, <c>byte[]</c>, null, <see cref="CheckpointTensor"/> (views materialised contiguous; one pickled
/// tensor referenced twice is one object) and <see cref="CheckpointObject"/> (opaque classes the caller allowed).
/// Numpy scalars become <see cref="double"/>, <see cref="long"/> or <see cref="bool"/>.
/// </remarks>
public static class TorchCheckpoint
{
    /// <summary>Loads the whole object a checkpoint holds.</summary>
    /// <param name="path">The <c>.pt</c>/<c>.pth</c>/<c>.ckpt</c> file.</param>
    /// <param name="options">Opaque classes and limits; <see cref="TorchLoadOptions.Default"/> when null.</param>
    /// <exception cref="UnsafeCheckpointException">The pickle names a global outside the allow-list.</exception>
    /// <exception cref="CheckpointFormatException">The file is truncated, corrupt or uses an unsupported feature.</exception>
    public static object? Load(string path, TorchLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= TorchLoadOptions.Default;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Load(stream, path, options);
    }

    /// <summary>Loads from a seekable stream holding a whole checkpoint (the fuzz tests feed bytes here).</summary>
    internal static object? Load(Stream stream, string path, TorchLoadOptions options)
    {
        Span<byte> start = stackalloc byte[4];
        int read = stream.ReadAtLeast(start, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        try
        {
            return TorchZipArchive.LooksLikeZip(start[..read])
                ? TorchZipFormat.Load(stream, path, options)
                : TorchLegacyFormat.Load(stream, path, options);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointFormatException($"{path}: unexpected end of file.", e);
        }
    }

    /// <summary>
    /// Loads a state dict as an ordered name → tensor map. Nested dictionaries are flattened with dotted names;
    /// non-tensor values are skipped.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="entry">
    /// The top-level key that holds the state dict (e.g. <c>"model"</c> for a training checkpoint), or null when
    /// the file's top-level object is the state dict itself.
    /// </param>
    /// <param name="options">Opaque classes and limits; <see cref="TorchLoadOptions.Default"/> when null.</param>
    /// <exception cref="CheckpointFormatException">The file (or the entry) is not a dictionary, or see <see cref="Load(string, TorchLoadOptions?)"/>.</exception>
    public static OrderedDictionary<string, CheckpointTensor> LoadStateDict(string path, string? entry = null, TorchLoadOptions? options = null)
    {
        object? root = Load(path, options);
        if (root is not CheckpointDict dict)
        {
            throw new CheckpointFormatException($"{path}: the checkpoint holds {PickleMachine.Describe(root)}, expected a dictionary.");
        }

        if (entry is not null)
        {
            if (!dict.TryGetValue(entry, out object? value))
            {
                throw new CheckpointFormatException(
                    $"{path}: no top-level entry '{entry}' (found {string.Join(", ", dict.Keys.Select(k => $"'{k}'"))}).");
            }

            dict = value as CheckpointDict
                ?? throw new CheckpointFormatException($"{path}: entry '{entry}' holds {PickleMachine.Describe(value)}, expected a state dict.");
        }

        return StateDictFlattener.Flatten(dict, path);
    }
}
