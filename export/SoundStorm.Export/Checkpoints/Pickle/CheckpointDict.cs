using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// A Python <c>dict</c> or <c>collections.OrderedDict</c> read from a checkpoint, keys in insertion order.
/// Keys are strings, integers (<see cref="long"/> or <see cref="System.Numerics.BigInteger"/>), floats, bools or
/// <see cref="CheckpointTuple"/>s.
/// </summary>
public sealed class CheckpointDict : IReadOnlyDictionary<object, object?>
{
    private readonly OrderedDictionary<object, object?> _items = [];

    internal CheckpointDict(bool isOrderedDict) => IsOrderedDict = isOrderedDict;

    /// <summary>True for a <c>collections.OrderedDict</c> (e.g. a module's <c>state_dict()</c>), false for a plain dict.</summary>
    public bool IsOrderedDict { get; }

    /// <summary>
    /// The instance attributes pickled with the dictionary, if any (a <c>state_dict()</c> carries <c>_metadata</c> here).
    /// </summary>
    public object? Attributes { get; internal set; }

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public IEnumerable<object> Keys => _items.Keys;

    /// <inheritdoc/>
    public IEnumerable<object?> Values => _items.Values;

    /// <inheritdoc/>
    public object? this[object key] => _items[key];

    /// <inheritdoc/>
    public bool ContainsKey(object key) => _items.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(object key, [MaybeNullWhen(false)] out object? value) => _items.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Python assignment semantics: a new key goes last, an existing key keeps its position.</summary>
    internal void Set(object key, object? value) => _items[key] = value;
}
