using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SoundStorm.Benchmarks.Scenarios.Autoregressive;

/// <summary>
/// One layer's cached keys and values in int8, laid out for <see cref="Int8CacheAttention"/>'s AVX-VNNI kernel. Each
/// token's key and value are quantised per head (symmetric, one float scale per token and head), so a step streams
/// a quarter of the bytes of a float32 cache. Keys are stored with a +128 offset (unsigned: the multiply-add takes
/// its unsigned operand first) in tiles of 8 tokens — for every 4 features, the 8 tokens' 4 bytes side by side, so one
/// 32-byte load feeds 8 dot products. Values are stored signed in quads of 4 tokens — for every 8 features, the 4
/// tokens' bytes side by side, so one load adds 4 weighted tokens into 8 features. Memory is unmanaged, 64-byte
/// aligned, and sized up to whole groups of <see cref="GroupTokens"/> tokens (zeros past the written ones).
/// </summary>
internal sealed unsafe class Int8LayerCache : IDisposable
{
    /// <summary>Tokens per key tile (one 8-lane accumulator).</summary>
    public const int TileTokens = 8;

    /// <summary>Tokens per value quad.</summary>
    public const int QuadTokens = 4;

    /// <summary>Tokens whose attention weights share one uint8 scale.</summary>
    public const int GroupTokens = 64;

    private byte* _keys;
    private sbyte* _values;

    /// <summary>A cache of <paramref name="capacity"/> tokens for <paramref name="heads"/> heads of <paramref name="headDim"/> features (a multiple of 8).</summary>
    public Int8LayerCache(int heads, int headDim, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (headDim < 8 || headDim % 8 != 0) throw new ArgumentException($"Head size {headDim}: the int8 cache needs a multiple of 8.", nameof(headDim));
        Heads = heads;
        HeadDim = headDim;
        Capacity = checked((capacity + GroupTokens - 1) / GroupTokens * GroupTokens);
        HeadBytes = (long)Capacity * headDim;
        nuint bytes = checked((nuint)(heads * HeadBytes));
        _keys = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
        _values = (sbyte*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_keys, bytes);
        NativeMemory.Clear(_values, bytes);
        KeyScales = new float[heads * Capacity];
        ValueScales = new float[heads * Capacity];
    }

    /// <summary>Heads.</summary>
    public int Heads { get; }

    /// <summary>Features per head.</summary>
    public int HeadDim { get; }

    /// <summary>Tokens the cache holds, rounded up to whole groups.</summary>
    public int Capacity { get; }

    /// <summary>Bytes of keys (and of values) per head.</summary>
    public long HeadBytes { get; }

    /// <summary>Per head, per token: the key's dequantisation scale ([Heads, Capacity]).</summary>
    public float[] KeyScales { get; }

    /// <summary>Per head, per token: the value's dequantisation scale ([Heads, Capacity]).</summary>
    public float[] ValueScales { get; }

    /// <summary>Head <paramref name="head"/>'s key tiles.</summary>
    public byte* Keys(int head) => _keys + head * HeadBytes;

    /// <summary>Head <paramref name="head"/>'s value quads.</summary>
    public sbyte* Values(int head) => _values + head * HeadBytes;

    /// <summary>
    /// Stores the key and value of the token at <paramref name="position"/>: <paramref name="key"/> and
    /// <paramref name="value"/> hold every head's features, head h at h·HeadDim.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(int position, ReadOnlySpan<float> key, ReadOnlySpan<float> value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Capacity);
        if (key.Length != Heads * HeadDim || value.Length != key.Length)
            throw new ArgumentException($"A token needs {Heads * HeadDim} key and value features; got {key.Length} and {value.Length}.");
        ObjectDisposedException.ThrowIf(_keys == null, this);
        Span<sbyte> quantised = stackalloc sbyte[HeadDim];
        int tile = position / TileTokens, inTile = position % TileTokens, quad = position / QuadTokens, inQuad = position % QuadTokens;
        for (int h = 0; h < Heads; h++)
        {
            KeyScales[h * Capacity + position] = Quantize(key.Slice(h * HeadDim, HeadDim), quantised);
            byte* keys = Keys(h) + (long)tile * TileTokens * HeadDim + inTile * 4;
            for (int d = 0; d < HeadDim; d++) keys[d / 4 * TileTokens * 4 + d % 4] = (byte)(quantised[d] + 128);

            ValueScales[h * Capacity + position] = Quantize(value.Slice(h * HeadDim, HeadDim), quantised);
            sbyte* values = Values(h) + (long)quad * QuadTokens * HeadDim + inQuad;
            for (int d = 0; d < HeadDim; d++) values[d / 8 * 32 + d % 8 * QuadTokens] = quantised[d];
        }
    }

    /// <summary>
    /// Symmetric int8 quantisation: <paramref name="quantised"/> = round(x / s) in [−127, 127] with s = max|x| / 127,
    /// which is returned (0 for an all-zero vector).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Quantize(ReadOnlySpan<float> x, Span<sbyte> quantised)
    {
        float largest = MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        if (!float.IsFinite(largest)) throw new ArgumentException("A cached key, value or query is not finite.", nameof(x));
        if (largest == 0)
        {
            quantised[..x.Length].Clear();
            return 0;
        }
        float inverse = 127f / largest;
        for (int i = 0; i < x.Length; i++) quantised[i] = (sbyte)Math.Clamp((int)MathF.Round(x[i] * inverse), -127, 127);
        return largest / 127f;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        NativeMemory.AlignedFree(_keys);
        NativeMemory.AlignedFree(_values);
        _keys = null;
        _values = null;
    }
}
