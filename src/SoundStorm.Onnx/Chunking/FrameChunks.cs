namespace SoundStorm.Onnx.Chunking;

/// <summary>
/// One piece of a chunked graph run, in output frames: the graph is run on <c>[RunStart, RunEnd)</c> and only
/// <c>[KeepStart, KeepEnd)</c> of its output is kept, so every kept frame has context on both sides (or the input's own end).
/// </summary>
internal readonly record struct FrameChunk(int RunStart, int RunEnd, int KeepStart, int KeepEnd);

/// <summary>
/// Splits a long input into overlapping chunks so that a graph whose memory grows with its input's length (attention
/// over all frames, or activations of a long convolution) runs in bounded memory. Inputs that fit in one run of
/// <c>core + 2·context</c> frames are not cut at all, so short inputs give exactly the one-pass result.
/// </summary>
internal static class FrameChunks
{
    /// <summary>The chunks covering <paramref name="frames"/> output frames: kept spans of <paramref name="core"/> frames, each run with up to <paramref name="context"/> frames more on either side.</summary>
    public static IEnumerable<FrameChunk> Plan(int frames, int core, int context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(core, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        if (frames <= core + (2L * context)) // long: a caller may ask for int.MaxValue (one pass)
        {
            yield return new FrameChunk(0, frames, 0, frames);
            yield break;
        }
        for (int keep = 0; keep < frames; keep += core)
        {
            int keepEnd = Math.Min(frames, keep + core);
            yield return new FrameChunk(Math.Max(0, keep - context), Math.Min(frames, keepEnd + context), keep, keepEnd);
        }
    }

    /// <summary>How many chunks <see cref="Plan"/> makes.</summary>
    public static int Count(int frames, int core, int context) =>
        frames <= core + (2L * context) ? 1 : (int)((frames + (long)core - 1) / core);
}
