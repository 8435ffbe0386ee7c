namespace SoundStorm.Benchmarks.Scenarios.Autoregressive;

/// <summary>
/// The threads <see cref="Int8CacheAttention"/> splits a layer's heads across, each with its own scratch sized for
/// a cache of up to <c>capacity</c> tokens, allocated once.
/// </summary>
internal sealed class Int8AttentionWorkers
{
    private readonly Scratch[] _scratch;

    /// <summary><paramref name="threads"/> workers for caches of up to <paramref name="capacity"/> tokens.</summary>
    public Int8AttentionWorkers(int threads, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int padded = (capacity + Int8LayerCache.GroupTokens - 1) / Int8LayerCache.GroupTokens * Int8LayerCache.GroupTokens;
        _scratch = Enumerable.Range(0, threads).Select(_ => new Scratch(padded)).ToArray();
        Options = new ParallelOptions { MaxDegreeOfParallelism = threads };
    }

    /// <summary>Workers.</summary>
    public int Count => _scratch.Length;

    /// <summary>The parallel loop's options (as many threads as workers).</summary>
    public ParallelOptions Options { get; }

    /// <summary>Worker <paramref name="index"/>'s scratch.</summary>
    public Scratch this[int index] => _scratch[index];

    /// <summary>One worker's buffers: a head's scores (then weights), their uint8 form, and the group scales.</summary>
    internal sealed class Scratch(int capacity)
    {
        public float[] Scores { get; } = new float[capacity];

        public byte[] Weights { get; } = new byte[capacity];

        public float[] GroupScales { get; } = new float[capacity / Int8LayerCache.GroupTokens];
    }
}
