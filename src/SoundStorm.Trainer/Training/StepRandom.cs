namespace SoundStorm.Trainer.Training;

/// <summary>
/// Counter-based randomness: every draw of a training step comes from a SplitMix64 stream keyed by (seed, purpose,
/// index), so the state to save for an exact resume is just the seed and the step — no hidden generator state.
/// </summary>
internal sealed class StepRandom
{
    private ulong _state;

    /// <summary>A stream for (<paramref name="seed"/>, <paramref name="purpose"/>, <paramref name="index"/>).</summary>
    public StepRandom(long seed, ulong purpose, long index)
    {
        _state = Mix((ulong)seed ^ Mix(purpose + 0x9E3779B97F4A7C15UL * (ulong)(index + 1)));
    }

    /// <summary>Purposes (distinct stream families).</summary>
    public const ulong Order = 1, Batch = 2, Validation = 3;

    /// <summary>Next 64 random bits.</summary>
    public ulong NextBits()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="count"/>) (count &gt; 0).</summary>
    public int NextInt(int count) => (int)((NextBits() >> 33) * (ulong)count >> 31);

    /// <summary>A random permutation of 0..count−1 (Fisher–Yates).</summary>
    public int[] Permutation(int count)
    {
        var p = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
