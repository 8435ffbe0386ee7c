namespace SoundStorm.Export.Checkpoints;

/// <summary>The tensors and the <c>__metadata__</c> strings of one safetensors file.</summary>
public sealed class SafeTensorsContent
{
    private readonly Dictionary<string, CheckpointTensor> _byName;

    internal SafeTensorsContent(IReadOnlyList<CheckpointTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors in the order their names appear in the file's header.</summary>
    public IReadOnlyList<CheckpointTensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> entries (empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor with the given name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public CheckpointTensor this[string name] =>
        _byName.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"No tensor named '{name}'.");

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="tensor">The tensor when found.</param>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CheckpointTensor tensor) =>
        _byName.TryGetValue(name, out tensor);
}
