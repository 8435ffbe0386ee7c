using System.Runtime.CompilerServices;

namespace SoundStorm.Onnx.Generation.Sampling;

/// <summary>
/// Blackman and Vigna's xoshiro256** generator: the sampler's only source of randomness. Its own implementation
/// (rather than <see cref="Random"/>) keeps results identical across .NET versions, platforms and other languages.
/// A mutable struct: keep it in a field or array slot and pass by reference.
/// </summary>
internal struct Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256StarStar(ulong seed)
    {
        var mixer = new SplitMix64(seed);
        _s0 = mixer.Next();
        _s1 = mixer.Next();
        _s2 = mixer.Next();
        _s3 = mixer.Next();
    }

    /// <summary>A generator with the given raw state (for checking the algorithm against published values).</summary>
    internal static Xoshiro256StarStar FromState(ulong s0, ulong s1, ulong s2, ulong s3) =>
        new() { _s0 = s0, _s1 = s1, _s2 = s2, _s3 = s3 };

    public ulong NextUInt64() => Next(ref _s0, ref _s1, ref _s2, ref _s3);

    // One step of the generator over its four words.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double in (0, 1): never 0, so that log(u) is finite.</summary>
    public double NextOpenUnit() => OpenUnit(NextUInt64());

    // The top 53 bits, offset by half a step: (0, 1), never 0.
    private static double OpenUnit(ulong bits) => ((bits >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>
    /// Fills <paramref name="destination"/> with <see cref="NextOpenUnit"/> values, in order: the same numbers as that
    /// many calls, with the state kept in registers for the whole loop instead of read and written through the struct
    /// at every draw (the diffusion sampler draws one per class per position: 2 million per step at the seed's size).
    /// </summary>
    public void FillOpenUnit(Span<double> destination)
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < destination.Length; i++)
            destination[i] = OpenUnit(Next(ref s0, ref s1, ref s2, ref s3));
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>A standard Gumbel variate, −log(−log u).</summary>
    public double NextGumbel() => -Math.Log(-Math.Log(NextOpenUnit()));
}
