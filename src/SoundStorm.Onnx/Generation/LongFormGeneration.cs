namespace SoundStorm.Onnx.Generation;

/// <summary>
/// Generation of inputs longer than a model's context: consecutive windows of at most <c>windowFrames</c> frames,
/// each conditioned (as its voice prompt) on the last <c>overlapFrames</c> generated frames of the one before, so
/// the voice and the acoustics carry over and no seam is left between windows.
/// </summary>
internal static class LongFormGeneration
{
    // Decorrelates the windows' random streams (the golden-ratio increment SplitMix64 uses).
    private const ulong WindowSeedStride = 0x9E3779B97F4A7C15UL;

    public static CodeGrid Generate(SoundStormGenerator generator, GenerationRequest request, int windowFrames, int overlapFrames,
        GenerationOptions options, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken, bool shortFirstWindow = false)
    {
        var result = new CodeGrid(request.Semantic.Length, generator.Codebooks);
        foreach (var (first, tokens) in Windows(generator, request, windowFrames, overlapFrames, options, progress, cancellationToken, null, shortFirstWindow))
            tokens.AsSpan().CopyTo(result.Slice(first, tokens.Frames).AsSpan());
        return result;
    }

    /// <summary>How many windows <see cref="Windows"/> makes for <paramref name="request"/> (the same walk, without generating).</summary>
    private static int WindowCount(GenerationRequest request, int windowFrames, int overlapFrames, int firstWindowFrames)
    {
        int target = request.Semantic.Length, prompt = request.PromptFrames, done = 0, windows = 0;
        while (done < target)
        {
            int count = Math.Min(target - done, (windows == 0 ? firstWindowFrames : windowFrames) - prompt);
            done += count;
            prompt = Math.Min(overlapFrames, count);
            windows++;
        }
        return windows;
    }

    /// <summary>
    /// The windows one by one as they are generated: the first frame each covers and its tokens [count, Q].
    /// <paramref name="prepare"/>, when given, is called with the end of the target frames a window is about to read,
    /// before it reads them (the streaming pipeline tokenizes the source lazily this way). With
    /// <paramref name="shortFirstWindow"/>, a request that needs more than one window starts with a window a third as
    /// long (<see cref="FirstWindowFrames"/>), so that its first audio is ready after a fraction of one window's work.
    /// </summary>
    public static IEnumerable<(int FirstFrame, CodeGrid Tokens)> Windows(SoundStormGenerator generator, GenerationRequest request, int windowFrames,
        int overlapFrames, GenerationOptions options, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken, Action<int>? prepare = null,
        bool shortFirstWindow = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        int userPrompt = request.PromptFrames;
        if (overlapFrames < 0 || overlapFrames >= windowFrames)
            throw new ArgumentOutOfRangeException(nameof(overlapFrames), overlapFrames, $"The overlap must be in 0..{windowFrames - 1} (window {windowFrames} frames).");
        if (userPrompt >= windowFrames)
            throw new ArgumentException($"The prompt ({userPrompt} frames) must be shorter than the window ({windowFrames} frames).", nameof(request));
        if (request.Semantic.Length == 0) throw new ArgumentException("Nothing to generate: the request has no frames after its prompt.", nameof(request));
        int firstWindowFrames = shortFirstWindow ? FirstWindowFrames(request, windowFrames) : windowFrames;
        return Iterate(generator, request, windowFrames, firstWindowFrames, overlapFrames, options, progress, prepare, cancellationToken);
    }

    /// <summary>
    /// The first window of a short-first-window walk: the whole window when the request fits in one, else a third of
    /// it (at least the prompt and one frame more).
    /// </summary>
    public static int FirstWindowFrames(GenerationRequest request, int windowFrames) =>
        request.PromptFrames + request.Semantic.Length <= windowFrames ? windowFrames : Math.Max(windowFrames / 3, request.PromptFrames + 1);

    private static IEnumerable<(int, CodeGrid)> Iterate(SoundStormGenerator generator, GenerationRequest request, int windowFrames, int firstWindowFrames,
        int overlapFrames, GenerationOptions options, IProgress<GenerationProgress>? progress, Action<int>? prepare, CancellationToken cancellationToken)
    {
        long[] target = request.Semantic;
        long[]? promptSemantic = request.PromptSemantic;
        CodeGrid? promptAcoustic = request.PromptAcoustic;
        ulong seed = request.Seed ?? options.Seed;
        int done = 0, windows = WindowCount(request, windowFrames, overlapFrames, firstWindowFrames);
        for (int window = 0; done < target.Length; window++)
        {
            int count = Math.Min(target.Length - done, (window == 0 ? firstWindowFrames : windowFrames) - (promptAcoustic?.Frames ?? 0));
            prepare?.Invoke(done + count);
            var piece = new GenerationRequest(target[done..(done + count)], promptAcoustic, promptSemantic, unchecked(seed + (ulong)window * WindowSeedStride));
            var windowProgress = progress is null ? null : new WindowProgress(progress, window, windows);
            CodeGrid tokens = generator.Generate([piece], options, windowProgress, cancellationToken)[0];
            yield return (done, tokens);
            done += count;
            // The next window's prompt: this one's last frames, codes and semantic tokens alike.
            int overlap = Math.Min(overlapFrames, count);
            promptAcoustic = overlap == 0 ? null : tokens.Slice(count - overlap, overlap);
            promptSemantic = overlap == 0 ? null : target[(done - overlap)..done];
        }
    }

    // Stamps each step's progress with the window it belongs to, so a caller can show "window 3 of 20".
    private sealed class WindowProgress(IProgress<GenerationProgress> inner, int window, int windows) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => inner.Report(value with { Window = window, Windows = windows });
    }
}
