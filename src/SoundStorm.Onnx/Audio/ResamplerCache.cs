namespace SoundStorm.Onnx.Audio;

/// <summary>
/// The few most recently used <see cref="Resampler"/> designs, shared by every caller: a design evaluates the windowed
/// kernel for every tap of every phase (up to 2 million values for rate pairs such as 44.1 → 16 kHz), so a batch of files
/// at one rate designs it once. Few entries bound the memory when the rates vary (uploads to a server, say).
/// </summary>
internal static class ResamplerCache
{
    private const int Capacity = 4;
    private static readonly Lock Gate = new();
    private static readonly List<Resampler> Recent = new(Capacity); // most recently used first

    /// <summary>A converter from <paramref name="inputRate"/> to <paramref name="outputRate"/>, designed once while it stays in use.</summary>
    public static Resampler For(int inputRate, int outputRate)
    {
        lock (Gate)
        {
            if (Take(inputRate, outputRate) is { } known) return known;
        }

        var designed = new Resampler(inputRate, outputRate); // outside the lock: other rates need not wait for this design
        lock (Gate)
        {
            // Another thread may have designed the same pair meanwhile; the first one stored stays.
            if (Take(inputRate, outputRate) is { } stored) return stored;
            Recent.Insert(0, designed);
            if (Recent.Count > Capacity) Recent.RemoveAt(Recent.Count - 1);
            return designed;
        }
    }

    // The stored design for the pair, moved to the front; called under the lock.
    private static Resampler? Take(int inputRate, int outputRate)
    {
        int i = Recent.FindIndex(r => r.InputRate == inputRate && r.OutputRate == outputRate);
        if (i < 0) return null;
        var found = Recent[i];
        Recent.RemoveAt(i);
        Recent.Insert(0, found);
        return found;
    }
}
