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

    /// <summary>Loads the whole object a checkpoint held in a seekable stream holds (a download kept in memory, say).</summary>
    /// <param name="stream">A seekable stream holding the whole checkpoint from position 0; it is not closed.</param>
    /// <param name="path">Name used in error messages (the file name or URL).</param>
    /// <param name="options">Opaque classes and limits; <see cref="TorchLoadOptions.Default"/> when null.</param>
    /// <exception cref="UnsafeCheckpointException">The pickle names a global outside the allow-list.</exception>
    /// <exception cref="CheckpointFormatException">The bytes are truncated, corrupt or use an unsupported feature.</exception>
    public static object? Load(Stream stream, string path, TorchLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(path);
        options ??= TorchLoadOptions.Default;
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
    /// Loads a bare pickle — a checkpoint's <c>data.pkl</c> record taken out of its archive — through the same data-only
    /// machine and allow-list as <see cref="Load(string, TorchLoadOptions?)"/>, with the bytes of the storages it names
    /// supplied by the caller (as <c>torch.load</c>'s <c>persistent_load</c> would).
    /// </summary>
    /// <param name="pickle">The pickle bytes.</param>
    /// <param name="source">Name used in error messages.</param>
    /// <param name="storages">
    /// The bytes of storage <c>key</c>, holding at least <c>elementCount</c> elements of the given type; it throws
    /// <see cref="CheckpointFormatException"/> for a storage it cannot supply.
    /// </param>
    /// <param name="options">Opaque classes and limits; <see cref="TorchLoadOptions.Default"/> when null.</param>
    /// <exception cref="UnsafeCheckpointException">The pickle names a global outside the allow-list.</exception>
    /// <exception cref="CheckpointFormatException">The pickle is truncated, corrupt, larger than <see cref="TorchLoadOptions.MaxPickleBytes"/> or uses an unsupported feature.</exception>
    public static object? LoadPickle(byte[] pickle, string source, Func<string, CheckpointDType, long, ReadOnlyMemory<byte>> storages, TorchLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(storages);
        options ??= TorchLoadOptions.Default;
        if (pickle.Length > options.MaxPickleBytes)
            throw new CheckpointFormatException($"{source}: the pickle holds {pickle.Length} bytes, more than the {options.MaxPickleBytes} accepted (TorchLoadOptions.MaxPickleBytes).");
        var resolver = new TorchPickleResolver(new CallerStorages(storages), options, source);
        return PickleMachine.Load(new PickleInput(new MemoryStream(pickle, writable: false), pickle.Length, source), resolver);
    }

    private sealed class CallerStorages(Func<string, CheckpointDType, long, ReadOnlyMemory<byte>> storages) : ITorchStorageSource
    {
        public ReadOnlyMemory<byte>? Load(string key, CheckpointDType dtype, long elementCount) => storages(key, dtype, elementCount);
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
