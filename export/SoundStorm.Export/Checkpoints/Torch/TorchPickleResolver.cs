using System.Text;

namespace SoundStorm.Export.Checkpoints;

/// <summary>A global the pickle named and the allow-list accepted; it stands for data, never for code to run.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    internal string FullName => $"{Module}.{Name}";
}

/// <summary>
/// Resolves the pickle of a torch checkpoint against a fixed allow-list of data-only globals: OrderedDict, torch's
/// tensor/parameter rebuild functions and storage types, set/frozenset/bytes, <c>_codecs.encode</c> (protocol 2's
/// spelling of bytes) and numpy scalars, plus the caller's opaque classes. Any other global is refused when named.
/// </summary>
internal sealed class TorchPickleResolver : IPickleResolver
{
    private static readonly HashSet<string> Callables = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "builtins.set", "builtins.frozenset", "builtins.bytes", "builtins.bytearray", "_codecs.encode",
        "numpy.dtype", "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
    };

    private readonly ITorchStorageSource _storages;
    private readonly HashSet<string> _opaque;
    private readonly string[] _opaqueModules;
    private readonly string _source;

    internal TorchPickleResolver(ITorchStorageSource storages, TorchLoadOptions options, string source)
    {
        _storages = storages;
        _opaque = new HashSet<string>(options.OpaqueClasses.Select(Canonical), StringComparer.Ordinal);
        _opaqueModules = [.. options.OpaqueModules];
        _source = source;
    }

    /// <summary>Every storage persistent id seen, in order (key, dtype, element count).</summary>
    internal List<(string Key, CheckpointDType DType, long ElementCount)> StorageIds { get; } = [];

    public object ResolveGlobal(string module, string name)
    {
        var global = new PickleGlobal(module == "__builtin__" ? "builtins" : module, name);
        if (Callables.Contains(global.FullName) || TorchStorageTypes.TryGet(global.Module, name, out _) || IsOpaque(global))
        {
            return global;
        }

        throw new UnsafeCheckpointException(
            $"{_source}: refusing to load: the pickle references the global '{module}.{name}', which is not on the allow-list "
            + "of data-only globals (Python's unpickler would import and call it). If it only holds data, name it in "
            + "TorchLoadOptions.OpaqueClasses.",
            $"{module}.{name}");
    }

    public object? Call(object? callable, CheckpointTuple args)
    {
        if (callable is not PickleGlobal global) throw Error($"a call of {PickleMachine.Describe(callable)} (expected an allowed global)");
        switch (global.FullName)
        {
            case "collections.OrderedDict": return NewOrderedDict(args);
            case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor": return RebuildTensor(args, global.Name);
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state": return RebuildParameter(args);
            case "builtins.set" or "builtins.frozenset":
                return args.Count == 0 ? new HashSet<object?>() : new HashSet<object?>(Arg<List<object?>>(args, 0, global.Name));
            case "builtins.bytes" or "builtins.bytearray":
                return args.Count == 0 ? Array.Empty<byte>() : throw Error($"{global.Name}() with arguments is not supported");
            case "_codecs.encode": return EncodeLatin1(args);
            case "numpy.dtype": return NumpyScalars.NewDType(Arg<string>(args, 0, "numpy.dtype"), _source);
            case "numpy.core.multiarray.scalar" or "numpy._core.multiarray.scalar":
                return NumpyScalars.Decode(Arg<NumpyDType>(args, 0, "scalar"), Arg<byte[]>(args, 1, "scalar"), _source);
        }

        if (IsOpaque(global))
        {
            return new CheckpointObject(global.FullName, args);
        }

        throw Error($"'{global.FullName}' cannot be called (it is only allowed as a storage type)");
    }

    public void Build(object? target, object? state)
    {
        switch (target)
        {
            case CheckpointDict dict: dict.Attributes = state; break; // e.g. state_dict()._metadata; kept, not interpreted.
            case CheckpointObject obj: obj.State = state; break;
            case NumpyDType dtype: NumpyScalars.ApplyState(dtype, state, _source); break;
            default: throw Error($"BUILD on {PickleMachine.Describe(target)} is not supported");
        }
    }

    public object? PersistentLoad(object? persistentId)
    {
        if (persistentId is not CheckpointTuple { Count: >= 5 } pid || pid[0] is not "storage")
        {
            throw Error($"unsupported persistent id {persistentId} (expected ('storage', type, key, location, numel))");
        }

        if (pid[1] is not PickleGlobal storageType || !TorchStorageTypes.TryGet(storageType.Module, storageType.Name, out var dtype))
        {
            throw Error($"persistent id {pid}: {pid[1]} is not a torch storage type");
        }

        string key = pid[2] as string ?? throw Error($"persistent id {pid}: the key is not a string");
        long numel = pid[4] is long n && n >= 0 ? n : throw Error($"persistent id {pid}: invalid element count");
        StorageIds.Add((key, dtype, numel));
        ReadOnlyMemory<byte>? bytes = _storages.Load(key, dtype, numel);
        if (bytes is null) return null;
        var storage = new TorchStorage(key, dtype, bytes.Value.Length / dtype.ItemSize(), bytes.Value);
        return pid.Count > 5 && pid[5] is CheckpointTuple view ? Slice(storage, view) : storage;
    }

    /// <summary>Legacy files can pickle a storage view as (view_key, offset, size) in elements of the root storage.</summary>
    private TorchStorage Slice(TorchStorage root, CheckpointTuple view)
    {
        if (view.Count != 3 || view[1] is not long offset || view[2] is not long size || offset < 0 || size < 0 || offset > root.ElementCount || size > root.ElementCount - offset)
        {
            throw Error($"storage view {view} does not fit storage '{root.Key}' of {root.ElementCount} elements");
        }

        int item = root.DType.ItemSize();
        return new TorchStorage(view[0]?.ToString() ?? root.Key, root.DType, size, root.Bytes.Slice((int)(offset * item), (int)(size * item)));
    }

    /// <summary>Protocol 2 writes Python 3's <c>builtins</c> module under its Python 2 name <c>__builtin__</c>.</summary>
    private bool IsOpaque(PickleGlobal global) =>
        _opaque.Contains(global.FullName)
        || _opaqueModules.Any(m => global.Module == m || global.Module.StartsWith(m + ".", StringComparison.Ordinal));

    private static string Canonical(string fullName) =>
        fullName.StartsWith("__builtin__.", StringComparison.Ordinal) ? "builtins." + fullName["__builtin__.".Length..] : fullName;

    private static CheckpointDict NewOrderedDict(CheckpointTuple args)
    {
        var dict = new CheckpointDict(isOrderedDict: true);
        if (args.Count > 0 && args[0] is List<object?> pairs)
        {
            foreach (object? pair in pairs)
            {
                if (pair is CheckpointTuple { Count: 2 } kv && kv[0] is { } key) dict.Set(key, kv[1]);
            }
        }

        return dict;
    }

    private CheckpointTensor? RebuildTensor(CheckpointTuple args, string function)
    {
        if (args.Count < 4) throw Error($"{function} expects at least 4 arguments, found {args.Count}");
        if (args[0] is null && _storages.IsCatalogue) return null; // Storages are not located yet.
        TorchStorage storage = Arg<TorchStorage>(args, 0, function);
        long offset = Arg<long>(args, 1, function);
        long[] size = Ints(args[2], function, "size");
        long[] stride = Ints(args[3], function, "stride");
        CheckpointTensor tensor = TorchTensorView.Materialize(storage, offset, size, stride, _source);
        bool requiresGrad = args.Count > 4 && args[4] is true;
        return requiresGrad ? new CheckpointTensor("", tensor.DType, tensor.Shape, tensor.Data) { RequiresGrad = true } : tensor;
    }

    private CheckpointTensor? RebuildParameter(CheckpointTuple args)
    {
        if (args.Count < 2) throw Error($"_rebuild_parameter expects at least 2 arguments, found {args.Count}");
        if (args[0] is null && _storages.IsCatalogue) return null;
        CheckpointTensor tensor = Arg<CheckpointTensor>(args, 0, "_rebuild_parameter");
        return new CheckpointTensor("", tensor.DType, tensor.Shape, tensor.Data) { RequiresGrad = args[1] is true, IsParameter = true };
    }

    private byte[] EncodeLatin1(CheckpointTuple args)
    {
        string text = Arg<string>(args, 0, "_codecs.encode");
        string encoding = args.Count > 1 ? Arg<string>(args, 1, "_codecs.encode") : "utf-8";
        if (encoding is not ("latin1" or "latin-1" or "iso-8859-1")) throw Error($"_codecs.encode with encoding '{encoding}' is not supported");
        if (text.Any(c => c > 0xff)) throw Error("_codecs.encode: text is not latin-1");
        return Encoding.Latin1.GetBytes(text);
    }

    private long[] Ints(object? value, string function, string what)
    {
        if (value is not CheckpointTuple tuple) throw Error($"{function}: {what} is {PickleMachine.Describe(value)}, expected a tuple of ints");
        var result = new long[tuple.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = tuple[i] is long v ? v : throw Error($"{function}: {what} {tuple} holds a non-integer");
        }

        return result;
    }

    private T Arg<T>(CheckpointTuple args, int index, string function) =>
        index < args.Count && args[index] is T value
            ? value
            : throw Error($"{function}: argument {index} should be {typeof(T).Name}, found {(index < args.Count ? PickleMachine.Describe(args[index]) : "nothing")}");

    private CheckpointFormatException Error(string message) => new($"{_source}: {message}.");
}
