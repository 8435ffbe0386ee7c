using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SoundStorm.Benchmarks.Scenarios.Autoregressive;

/// <summary>
/// Decodes with the autoregressive baseline's shared-cache graph (the exporter's <c>SharedCacheAutoregressiveGraph</c>,
/// written by the model writer) through ONNX Runtime IO binding: each layer's key and value
/// caches are allocated once at <c>capacity</c> tokens and bound as both the <c>past_*</c> input and the
/// <c>present_*</c> output, so a step writes its new keys and values in place and copies no cache; the length inputs
/// and the logits live in buffers bound once as well. Batch 1.
/// </summary>
internal sealed class SharedCacheDecoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly List<OrtValue> _owned = [];
    private readonly int[] _lengths = new int[1], _total = new int[1];
    private readonly long[] _oneToken = new long[1];
    private readonly OrtValue _oneTokenValue;
    private readonly float[] _logits;

    /// <summary>
    /// Binds a session of the shared-cache graph (<paramref name="layers"/> layers of <paramref name="heads"/> heads over
    /// width <paramref name="dim"/>, <paramref name="vocabulary"/> logits) to caches of <paramref name="capacity"/>
    /// tokens; <paramref name="cos"/> and <paramref name="sin"/> are its rotary caches [capacity, head dim / 2].
    /// </summary>
    public SharedCacheDecoder(InferenceSession session, int layers, int heads, int dim, int vocabulary, float[] cos, float[] sin, int capacity)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _session = session;
        Capacity = capacity;
        _binding = session.CreateIoBinding();
        long headDim = dim / heads;
        for (int i = 0; i < layers; i++)
            foreach (string kind in new[] { "key", "value" })
            {
                var cache = Own(OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, heads, capacity, headDim]));
                cache.GetTensorMutableDataAsSpan<float>().Clear();
                _binding.BindInput($"past_{kind}_{i}", cache);
                _binding.BindOutput($"present_{kind}_{i}", cache);
            }
        _binding.BindInput("seqlens_k", Own(OrtValue.CreateTensorValueFromMemory(_lengths, [1])));
        _binding.BindInput("total_sequence_length", Own(OrtValue.CreateTensorValueFromMemory(_total, [1])));
        _binding.BindInput("cos_cache", Own(OrtValue.CreateTensorValueFromMemory(cos, [capacity, headDim / 2])));
        _binding.BindInput("sin_cache", Own(OrtValue.CreateTensorValueFromMemory(sin, [capacity, headDim / 2])));
        _oneTokenValue = Own(OrtValue.CreateTensorValueFromMemory(_oneToken, [1, 1]));
        _logits = new float[vocabulary];
        _binding.BindOutput("logits", Own(OrtValue.CreateTensorValueFromMemory(_logits, [1, vocabulary])));
    }

    /// <summary>Tokens the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>Tokens in the cache (P).</summary>
    public int Length { get; private set; }

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
        OrtValue? chunk = null;
        try
        {
            if (tokens.Length == 1)
            {
                _oneToken[0] = tokens[0];
                _binding.BindInput("tokens", _oneTokenValue);
            }
            else
            {
                chunk = OrtValue.CreateTensorValueFromMemory(tokens.ToArray(), [1, tokens.Length]);
                _binding.BindInput("tokens", chunk);
            }
            _total[0] = Length + tokens.Length;
            _lengths[0] = _total[0] - 1;
            _session.RunWithBinding(_runOptions, _binding);
            Length = _total[0];
            return _logits;
        }
        finally
        {
            chunk?.Dispose();
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

    /// <inheritdoc/>
    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var value in _owned) value.Dispose();
    }

    private OrtValue Own(OrtValue value)
    {
        _owned.Add(value);
        return value;
    }
}
