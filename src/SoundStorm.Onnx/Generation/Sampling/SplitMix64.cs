namespace SoundStorm.Onnx.Generation.Sampling;

/// <summary>
/// Steele, Lea and Flood's SplitMix64: used to expand one 64-bit seed into the state of <see cref="Xoshiro256StarStar"/>
/// and to derive independent per-request seeds. Defined bit for bit, so any runtime can reproduce it.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
