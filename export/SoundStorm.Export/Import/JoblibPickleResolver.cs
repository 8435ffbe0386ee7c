using System.Buffers.Binary;
using SoundStorm.Export.Checkpoints;

namespace SoundStorm.Export.Import;

/// <summary>A numpy array read from a pickle, converted to float64 (row-major).</summary>
internal sealed class PickledArray
{
    internal long[] Shape { get; set; } = [];

    internal double[] Data { get; set; } = [];
}

/// <summary>
/// Resolves a joblib / pickle dump of a scikit-learn k-means model as data: the estimator becomes a
/// <see cref="CheckpointObject"/> whose state holds its attributes; numpy arrays are decoded from joblib's
/// <c>NumpyArrayWrapper</c> (raw bytes written into the file right after the wrapper's BUILD) or from plain pickled
/// ndarrays. Nothing is imported or run; any global outside this short list is refused.
/// </summary>
internal sealed class JoblibPickleResolver(PickleInput input) : IPickleResolver
{
    private sealed record Token(string FullName);

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
        "numpy.ndarray", "numpy.dtype", "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "_codecs.encode",
    };

    public object ResolveGlobal(string module, string name)
    {
        string full = $"{module}.{name}";
        if (Known.Contains(full) || IsEstimator(module)) return new Token(full);
        throw new UnsafeCheckpointException(
            $"{input.Source}: refusing to read the k-means file: its pickle references '{full}', which is neither a scikit-learn "
            + "clustering class nor numpy/joblib array data (unpickling it would run code). Save the centroids as .npy instead "
            + "(numpy.save(path, kmeans.cluster_centers_)).", full);
    }

    private static bool IsEstimator(string module) => module == "sklearn.cluster" || module.StartsWith("sklearn.cluster.", StringComparison.Ordinal);

    public object? Call(object? callable, CheckpointTuple args)
    {
        if (callable is not Token token) throw input.Error($"call of {PickleMachine.Describe(callable)}");
        switch (token.FullName)
        {
            case "numpy.dtype": return NumpyScalars.NewDType(args[0] as string ?? "?", input.Source);
            case "numpy.core.multiarray.scalar" or "numpy._core.multiarray.scalar":
                return NumpyScalars.Decode((NumpyDType)args[0]!, ToBytes(args[1]), input.Source);
            case "numpy.core.multiarray._reconstruct" or "numpy._core.multiarray._reconstruct":
            case "joblib.numpy_pickle.NumpyArrayWrapper" or "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper":
                return new PickledArray();
            case "_codecs.encode":
                return System.Text.Encoding.Latin1.GetBytes(args[0] as string ?? throw input.Error("_codecs.encode without text"));
            case "numpy.ndarray": throw input.Error("a direct numpy.ndarray call is not supported");
            default: return new CheckpointObject(token.FullName, args); // a scikit-learn estimator: attributes arrive in BUILD
        }
    }

    public void Build(object? target, object? state)
    {
        switch (target)
        {
            case CheckpointObject obj: obj.State = state; break;
            case NumpyDType dtype: NumpyScalars.ApplyState(dtype, state, input.Source); break;
            case PickledArray array when state is CheckpointDict wrapper: ReadJoblibArray(array, wrapper); break;
            case PickledArray array when state is CheckpointTuple { Count: 5 } nd: ReadNdarrayState(array, nd); break;
            default: throw input.Error($"BUILD on {PickleMachine.Describe(target)} with {PickleMachine.Describe(state)}");
        }
    }

    public object? PersistentLoad(object? persistentId) => throw input.Error("persistent ids do not occur in joblib files");

    /// <summary>joblib writes the array's bytes into the file right after the wrapper (after a 1-byte padding length and padding when aligned).</summary>
    private void ReadJoblibArray(PickledArray array, CheckpointDict wrapper)
    {
        var dtype = wrapper.TryGetValue("dtype", out var d) && d is NumpyDType nd ? nd : throw input.Error("NumpyArrayWrapper without a dtype");
        array.Shape = Shape(wrapper.TryGetValue("shape", out var s) ? s : null);
        bool fortran = wrapper.TryGetValue("order", out var o) && o is "F";
        if (wrapper.TryGetValue("numpy_array_alignment_bytes", out var alignment) && alignment is long)
            input.Skip(input.ReadByte(), "array alignment padding");
        long count = array.Shape.Aggregate(1L, (a, b) => a * b);
        array.Data = Decode(dtype, input.ReadBytes(count * ItemSize(dtype), "array data"), array.Shape, fortran);
    }

    /// <summary>ndarray.__setstate__((version, shape, dtype, is_fortran, raw bytes)).</summary>
    private void ReadNdarrayState(PickledArray array, CheckpointTuple state)
    {
        array.Shape = Shape(state[1]);
        var dtype = state[2] as NumpyDType ?? throw input.Error("ndarray state without a dtype");
        array.Data = Decode(dtype, ToBytes(state[4]), array.Shape, state[3] is true);
    }

    private long[] Shape(object? value) => value is CheckpointTuple t && t.All(x => x is long)
        ? t.Select(x => (long)x!).ToArray()
        : throw input.Error($"array shape {value} is not a tuple of integers");

    private int ItemSize(NumpyDType dtype) => dtype.Code is ['f' or 'i' or 'u', var size] ? size - '0'
        : throw input.Error($"numpy dtype '{dtype.Code}' is not a numeric array type");

    private byte[] ToBytes(object? value) => value as byte[] ?? throw input.Error($"expected bytes, found {PickleMachine.Describe(value)}");

    private double[] Decode(NumpyDType dtype, byte[] bytes, long[] shape, bool fortran)
    {
        int size = ItemSize(dtype);
        var values = new double[bytes.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            var b = bytes.AsSpan(i * size, size);
            if (dtype.ByteOrder == '>' && size > 1) b.Reverse();
            values[i] = dtype.Code switch
            {
                "f8" => BinaryPrimitives.ReadDoubleLittleEndian(b),
                "f4" => BinaryPrimitives.ReadSingleLittleEndian(b),
                "f2" => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
                "i8" => BinaryPrimitives.ReadInt64LittleEndian(b),
                "i4" => BinaryPrimitives.ReadInt32LittleEndian(b),
                "i2" => BinaryPrimitives.ReadInt16LittleEndian(b),
                "i1" => (sbyte)b[0],
                "u8" => BinaryPrimitives.ReadUInt64LittleEndian(b),
                "u4" => BinaryPrimitives.ReadUInt32LittleEndian(b),
                "u2" => BinaryPrimitives.ReadUInt16LittleEndian(b),
                _ => b[0],
            };
        }
        return fortran && shape.Length == 2 ? ToRowMajor(values, shape[0], shape[1]) : values;
    }

    private static double[] ToRowMajor(double[] columnMajor, long rows, long cols)
    {
        var result = new double[columnMajor.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++) result[r * cols + c] = columnMajor[c * rows + r];
        return result;
    }
}
