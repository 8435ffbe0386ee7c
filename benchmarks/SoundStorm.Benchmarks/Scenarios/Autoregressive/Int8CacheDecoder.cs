using System.Runtime.Intrinsics.X86;
using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Benchmarks.Scenarios.Autoregressive;

/// <summary>
/// Decodes the autoregressive baseline with its key/value cache in int8: the exporter's
/// <c>LayeredAutoregressiveGraphs</c> run the projections, feed-forwards and logits through ONNX Runtime, and between
/// them <see cref="Int8CacheAttention"/> attends over <see cref="Int8LayerCache"/>s allocated once at full capacity —
/// a step streams the weights once and about a quarter of a float32 cache's bytes. Every graph input and output
/// lives in a buffer bound once through IO binding (re-bound only when the chunk size changes). Batch 1.
/// </summary>
internal sealed class Int8CacheDecoder : IDisposable
{
    private readonly IReadOnlyList<InferenceSession> _graphs;
    private readonly OrtIoBinding[] _bindings;
    private readonly Int8LayerCache[] _caches;
    private readonly Int8AttentionWorkers _workers;
    private readonly RunOptions _runOptions = new();
    private readonly int _dim;
    private readonly long[] _position = new long[1];
    private readonly OrtValue _positionValue;
    private readonly float[] _logits;
    private readonly OrtValue _logitsValue;
    private Chunk? _bound;
    private readonly Chunk _oneToken;

    /// <summary>
    /// A decoder over <paramref name="graphs"/> (the layered baseline's layers + 1 sessions, in order) for
    /// <paramref name="heads"/> heads over width <paramref name="dim"/> and <paramref name="vocabulary"/> logits, with
    /// caches of <paramref name="capacity"/> tokens and the attention split across <paramref name="threads"/> threads.
    /// One thread is the default: a step's 12-odd attention calls each last about a millisecond, and waking a second
    /// thread for each costs ~0.1 ms on a VM (measured on the 2-vCPU benchmark machine, where it made the kernel
    /// slower and its timings erratic, since the helper's wake-ups compete with ONNX Runtime's own threads).
    /// </summary>
    public Int8CacheDecoder(IReadOnlyList<InferenceSession> graphs, int heads, int dim, int vocabulary, int capacity, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        if (graphs.Count < 2) throw new ArgumentException($"The layered baseline has layers + 1 graphs; got {graphs.Count}.", nameof(graphs));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        // Checked before any cache is allocated, so a refused shape leaves no native memory behind.
        if (heads < 1 || dim % heads != 0 || dim / heads % 8 != 0)
            throw new ArgumentException($"Width {dim} over {heads} heads: the int8 cache needs a head size that is a multiple of 8.", nameof(dim));
        _graphs = graphs;
        _dim = dim;
        Capacity = capacity;
        _caches = new Int8LayerCache[graphs.Count - 1];
        for (int i = 0; i < _caches.Length; i++) _caches[i] = new Int8LayerCache(heads, dim / heads, capacity);
        _workers = new Int8AttentionWorkers(threads, capacity);
        _bindings = graphs.Select(g => g.CreateIoBinding()).ToArray();
        _positionValue = OrtValue.CreateTensorValueFromMemory(_position, []);
        _logits = new float[vocabulary];
        _logitsValue = OrtValue.CreateTensorValueFromMemory(_logits, [1, vocabulary]);
        _oneToken = new Chunk(1, dim);
        Bind(_oneToken);
    }

    /// <summary>Tokens the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>Tokens in the cache (P).</summary>
    public int Length { get; private set; }

    /// <summary>Time spent in the attention kernel (and the cache writes) since the decoder was made: the rest of a step is the graphs.</summary>
    public TimeSpan AttentionTime { get; private set; }

    /// <summary>Whether the attention runs the AVX-VNNI kernel (false: the portable path, which gives the same bits).</summary>
    public bool Vnni { get; init; } = AvxVnni.IsSupported;

    /// <summary>
    /// Runs <paramref name="tokens"/> (a prefill chunk, or one token) after the cached ones and returns the next-token
    /// logits of the last of them (a view valid until the next call).
    /// </summary>
    /// <exception cref="InvalidOperationException">The tokens do not fit in the cache.</exception>
    public ReadOnlySpan<float> Append(ReadOnlySpan<long> tokens)
    {
        if (tokens.IsEmpty) throw new ArgumentException("At least one token is needed.", nameof(tokens));
        if (Length + tokens.Length > Capacity)
            throw new InvalidOperationException($"The cache holds {Capacity} tokens: {Length} cached + {tokens.Length} new do not fit.");
        var chunk = tokens.Length == 1 ? _oneToken : new Chunk(tokens.Length, _dim);
        try
        {
            if (!ReferenceEquals(chunk, _bound)) Bind(chunk);
            tokens.CopyTo(chunk.Tokens);
            _position[0] = Length;
            for (int i = 0; i < _graphs.Count; i++)
            {
                _graphs[i].RunWithBinding(_runOptions, _bindings[i]);
                if (i < _caches.Length)
                {
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    Attend(_caches[i], chunk);
                    AttentionTime += System.Diagnostics.Stopwatch.GetElapsedTime(start);
                }
            }
            Length += tokens.Length;
            return _logits;
        }
        finally
        {
            if (!ReferenceEquals(chunk, _oneToken))
            {
                Bind(_oneToken);
                chunk.Dispose();
            }
        }
    }

    /// <summary>
    /// Sets the cached length to <paramref name="length"/> without running anything (the cache keeps whatever it holds):
    /// for timing a step at a given cache length, whose cost does not depend on the cached values.
    /// </summary>
    public void Seek(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Capacity - 1);
        Length = length;
    }

    // The chunk's keys and values join the cache; each query attends causally to everything up to itself.
    private void Attend(Int8LayerCache cache, Chunk chunk)
    {
        for (int s = 0; s < chunk.Size; s++)
            cache.Write(Length + s, chunk.Key.AsSpan(s * _dim, _dim), chunk.Value.AsSpan(s * _dim, _dim));
        for (int s = 0; s < chunk.Size; s++)
            Int8CacheAttention.Attend(cache, chunk.Query, s * _dim, Length + s + 1, chunk.Attention, s * _dim, _workers, Vnni);
    }

    private void Bind(Chunk chunk)
    {
        int last = _bindings.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            var binding = _bindings[i];
            if (i == 0) binding.BindInput("tokens", chunk.TokensValue);
            else
            {
                binding.BindInput("hidden_in", chunk.HiddenValues[(i - 1) % 2]);
                binding.BindInput("attention", chunk.AttentionValue);
            }
            if (i == last) binding.BindOutput("logits", _logitsValue);
            else
            {
                binding.BindInput("position", _positionValue);
                binding.BindOutput("hidden", chunk.HiddenValues[i % 2]);
                binding.BindOutput("query", chunk.QueryValue);
                binding.BindOutput("key", chunk.KeyValue);
                binding.BindOutput("value", chunk.ValueValue);
            }
        }
        _bound = chunk;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var binding in _bindings) binding.Dispose();
        foreach (var cache in _caches) cache.Dispose();
        _oneToken.Dispose();
        _positionValue.Dispose();
        _logitsValue.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>The buffers of one chunk size: tokens, the two alternating residual streams, q, k, v and the attention.</summary>
    private sealed class Chunk : IDisposable
    {
        public Chunk(int size, int dim)
        {
            Size = size;
            Tokens = new long[size];
            TokensValue = OrtValue.CreateTensorValueFromMemory(Tokens, [1, size]);
            float[] Activation() => new float[size * dim];
            OrtValue View(float[] data) => OrtValue.CreateTensorValueFromMemory(data, [1, size, dim]);
            (Query, Key, Value, Attention) = (Activation(), Activation(), Activation(), Activation());
            HiddenValues = [View(Activation()), View(Activation())];
            (QueryValue, KeyValue, ValueValue, AttentionValue) = (View(Query), View(Key), View(Value), View(Attention));
        }

        public int Size { get; }
        public long[] Tokens { get; }
        public float[] Query { get; }
        public float[] Key { get; }
        public float[] Value { get; }
        public float[] Attention { get; }
        public OrtValue TokensValue { get; }
        public OrtValue[] HiddenValues { get; }
        public OrtValue QueryValue { get; }
        public OrtValue KeyValue { get; }
        public OrtValue ValueValue { get; }
        public OrtValue AttentionValue { get; }

        public void Dispose()
        {
            foreach (var value in (OrtValue[])[TokensValue, .. HiddenValues, QueryValue, KeyValue, ValueValue, AttentionValue]) value.Dispose();
        }
    }
}
