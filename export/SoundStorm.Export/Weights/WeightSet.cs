namespace SoundStorm.Export.Weights;

/// <summary>
/// Named weights for a graph writer, keyed by the PyTorch state-dict name. Writers fetch tensors with the shape they
/// expect; every fetch is recorded so an importer can list tensors the graph never used.
/// </summary>
public sealed class WeightSet
{
    private readonly Dictionary<string, WeightTensor> _tensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Where the weights came from, for error messages.</summary>
    public string Source { get; }

    /// <summary>An empty set; <paramref name="source"/> names its origin in error messages.</summary>
    public WeightSet(string source = "weights") => Source = source;

    /// <summary>All tensor names.</summary>
    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>Names never fetched by a writer.</summary>
    public IReadOnlyList<string> UnusedNames => _tensors.Keys.Where(n => !_used.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    /// <summary>Adds or replaces a tensor.</summary>
    public void Add(string name, float[] data, params long[] shape)
    {
        long count = 1;
        foreach (long d in shape) count *= d;
        if (count != data.Length)
            throw new ArgumentException($"Weight '{name}': shape [{string.Join(", ", shape)}] needs {count} values, found {data.Length}.");
        _tensors[name] = new WeightTensor(data, (long[])shape.Clone());
    }

    /// <summary>True when a tensor called <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>Fetches a tensor and checks its shape; a missing or misshapen tensor is a <see cref="WeightMismatchException"/>.</summary>
    public WeightTensor Get(string name, params long[] expectedShape)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
            throw new WeightMismatchException($"{Source}: missing tensor '{name}' (expected shape [{string.Join(", ", expectedShape)}]).");
        if (!tensor.Shape.AsSpan().SequenceEqual(expectedShape))
            throw new WeightMismatchException($"{Source}: tensor '{name}' has shape {tensor.ShapeText}, expected [{string.Join(", ", expectedShape)}].");
        _used.Add(name);
        return tensor;
    }

    /// <summary>Looks at a tensor without marking it used (for inferring sizes).</summary>
    public WeightTensor Peek(string name) =>
        _tensors.TryGetValue(name, out var tensor) ? tensor : throw new WeightMismatchException($"{Source}: missing tensor '{name}'.");

    /// <summary>Marks tensors as deliberately unused (buffers the graph does not need), so <see cref="EnsureAllUsed"/> accepts them.</summary>
    public void Ignore(string name) => _used.Add(name);

    /// <summary>Fetches a tensor whatever its shape (for writers that infer sizes from the weights).</summary>
    public WeightTensor GetAnyShape(string name)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
            throw new WeightMismatchException($"{Source}: missing tensor '{name}'.");
        _used.Add(name);
        return tensor;
    }

    /// <summary>Throws when any tensor was never used, listing them all.</summary>
    public void EnsureAllUsed()
    {
        var unused = UnusedNames;
        if (unused.Count > 0)
            throw new WeightMismatchException($"{Source}: {unused.Count} tensor(s) not used by the graph: {string.Join(", ", unused)}.");
    }
}
