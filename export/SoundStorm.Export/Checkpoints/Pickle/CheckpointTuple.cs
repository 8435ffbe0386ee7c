using System.Collections;

namespace SoundStorm.Export.Checkpoints;

/// <summary>An immutable Python <c>tuple</c> read from a checkpoint; equal to another tuple with equal items.</summary>
public sealed class CheckpointTuple : IReadOnlyList<object?>, IEquatable<CheckpointTuple>
{
    private readonly object?[] _items;

    internal CheckpointTuple(object?[] items)
    {
        _items = items;
        foreach (object? item in items)
        {
            int inner = item switch { CheckpointTuple t => t.Depth, CheckpointObject o => o.Arguments.Depth, _ => 0 };
            Depth = Math.Max(Depth, inner);
        }

        Depth++;
    }

    /// <summary>The empty tuple.</summary>
    internal static CheckpointTuple Empty { get; } = new([]);

    /// <inheritdoc/>
    public object? this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <summary>
    /// Levels of tuples nested in this one (1 for a tuple of plain values). Equality, hashing and ToString recurse this
    /// deep, so the pickle machine caps it rather than let a hostile file overflow the stack.
    /// </summary>
    internal int Depth { get; }

    /// <inheritdoc/>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(CheckpointTuple? other) =>
        other is not null && _items.Length == other._items.Length && _items.Zip(other._items).All(p => Equals(p.First, p.Second));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CheckpointTuple other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (object? item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"({string.Join(", ", _items.Select(i => i?.ToString() ?? "None"))})";
}
