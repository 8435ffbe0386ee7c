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

    public static long[,] Generate(SoundStormGenerator generator, GenerationRequest request, int windowFrames, int overlapFrames,
        GenerationOptions options, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var result = new long[TargetFrames(request), generator.Codebooks];
        foreach (var (first, tokens) in Windows(generator, request, windowFrames, overlapFrames, options, progress, cancellationToken))
            for (int f = 0; f < tokens.GetLength(0); f++)
                for (int q = 0; q < tokens.GetLength(1); q++) result[first + f, q] = tokens[f, q];
        return result;
    }

    /// <summary>Frames to generate: the request's semantic tokens minus its prompt when the prompt is given inline.</summary>
    public static int TargetFrames(GenerationRequest request) =>
        request.PromptSemantic is null ? request.Semantic.Length - (request.PromptAcoustic?.GetLength(0) ?? 0) : request.Semantic.Length;

    /// <summary>How many windows <see cref="Windows"/> makes for <paramref name="request"/> (the same walk, without generating).</summary>
    private static int WindowCount(GenerationRequest request, int windowFrames, int overlapFrames)
    {
        int target = TargetFrames(request), prompt = request.PromptAcoustic?.GetLength(0) ?? 0, done = 0, windows = 0;
        while (done < target)
        {
            int count = Math.Min(target - done, windowFrames - prompt);
            done += count;
            prompt = Math.Min(overlapFrames, count);
            windows++;
        }
        return windows;
    }

    /// <summary>
    /// The windows one by one as they are generated: the first frame each covers and its tokens [count, Q].
    /// <paramref name="prepare"/>, when given, is called with the end of the target frames a window is about to read,
    /// before it reads them (the streaming pipeline tokenizes the source lazily this way; its requests carry the
    /// prompt separately, so the target frames are <see cref="GenerationRequest.Semantic"/> itself).
    /// </summary>
    public static IEnumerable<(int FirstFrame, long[,] Tokens)> Windows(SoundStormGenerator generator, GenerationRequest request, int windowFrames,
        int overlapFrames, GenerationOptions options, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken, Action<int>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        int userPrompt = request.PromptAcoustic?.GetLength(0) ?? 0;
        if (overlapFrames < 0 || overlapFrames >= windowFrames)
            throw new ArgumentOutOfRangeException(nameof(overlapFrames), overlapFrames, $"The overlap must be in 0..{windowFrames - 1} (window {windowFrames} frames).");
        if (userPrompt >= windowFrames)
            throw new ArgumentException($"The prompt ({userPrompt} frames) must be shorter than the window ({windowFrames} frames).", nameof(request));
        return Iterate(generator, request, windowFrames, overlapFrames, options, progress, prepare, cancellationToken);
    }

    private static IEnumerable<(int, long[,])> Iterate(SoundStormGenerator generator, GenerationRequest request, int windowFrames,
        int overlapFrames, GenerationOptions options, IProgress<GenerationProgress>? progress, Action<int>? prepare, CancellationToken cancellationToken)
    {
        int userPrompt = request.PromptAcoustic?.GetLength(0) ?? 0;
        // Split the request into the prompt and the frames to generate, whichever form it came in.
        long[] target = request.PromptSemantic is null && userPrompt > 0 ? request.Semantic[userPrompt..] : request.Semantic;
        long[]? promptSemantic = request.PromptSemantic ?? (userPrompt > 0 ? request.Semantic[..userPrompt] : null);
        long[,]? promptAcoustic = request.PromptAcoustic;
        if (target.Length == 0) throw new ArgumentException("Nothing to generate: the request has no frames after its prompt.", nameof(request));

        int codebooks = generator.Codebooks;
        ulong seed = request.Seed ?? options.Seed;
        long[,]? previous = null;
        int done = 0, windows = WindowCount(request, windowFrames, overlapFrames);
        for (int window = 0; done < target.Length; window++)
        {
            if (previous is not null)
            {
                int overlap = Math.Min(overlapFrames, previous.GetLength(0));
                if (overlap == 0)
                {
                    promptAcoustic = null;
                    promptSemantic = null;
                }
                else
                {
                    promptAcoustic = new long[overlap, codebooks];
                    int from = previous.GetLength(0) - overlap;
                    for (int f = 0; f < overlap; f++)
                        for (int q = 0; q < codebooks; q++) promptAcoustic[f, q] = previous[from + f, q];
                    promptSemantic = target[(done - overlap)..done];
                }
            }
            int promptFrames = promptAcoustic?.GetLength(0) ?? 0;
            int count = Math.Min(target.Length - done, windowFrames - promptFrames);
            prepare?.Invoke(done + count);
            var piece = new GenerationRequest(target[done..(done + count)], promptAcoustic, promptSemantic, unchecked(seed + (ulong)window * WindowSeedStride));
            var windowProgress = progress is null ? null : new WindowProgress(progress, window, windows);
            long[,] tokens = generator.Generate([piece], options, windowProgress, cancellationToken)[0];
            yield return (done, tokens);
            previous = tokens;
            done += count;
        }
    }

    // Stamps each step's progress with the window it belongs to, so a caller can show "window 3 of 20".
    private sealed class WindowProgress(IProgress<GenerationProgress> inner, int window, int windows) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => inner.Report(value with { Window = window, Windows = windows });
    }
}
