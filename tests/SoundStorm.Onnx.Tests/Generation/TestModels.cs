namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>Fake models and random requests for generator tests.</summary>
internal static class TestModels
{
    public const int Q = 3, V = 11, K = 7;
    public const long Mask = V;

    public static TokenVocabulary Vocab => new(Q, V, K, Mask);

    /// <summary>
    /// Pseudo-random logits that depend on the frame's semantic token, its own known tokens, its neighbours' level-0 tokens
    /// and the level — context-dependent, like a real model, but computed from the frame's request only.
    /// </summary>
    public static void HashedLogits(ReadOnlySpan<long> rowTokens, ReadOnlySpan<long> rowSemantic, int frame, int level, Span<float> logits)
    {
        ulong h = (ulong)rowSemantic[frame] * 0x9E3779B97F4A7C15UL ^ (ulong)level * 0xC2B2AE3D27D4EB4FUL;
        for (int q = 0; q < Q; q++) h = (h ^ (ulong)rowTokens[frame * Q + q]) * 0x100000001B3UL;
        if (frame > 0) h = (h ^ (ulong)rowTokens[(frame - 1) * Q]) * 0x100000001B3UL;
        for (int i = 0; i < logits.Length; i++)
        {
            h ^= h >> 29;
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 32;
            logits[i] = (h % 1000) / 250f; // 0..4
        }
    }

    public static SoundStormGenerator Generator(FrameLogits? logits = null, int codebooks = Q, int width = V) =>
        new(new FakeLogitsSource(codebooks, width, logits ?? HashedLogits), Vocab with { Codebooks = codebooks, CodebookSize = width, MaskTokenId = width });

    public static GenerationRequest RandomRequest(Random random, int frames, int promptFrames, bool separatePromptSemantic, ulong? seed = null)
    {
        long[] Semantic(int n)
        {
            var s = new long[n];
            for (int i = 0; i < n; i++) s[i] = random.Next(K);
            return s;
        }
        CodeGrid? prompt = null;
        if (promptFrames > 0)
        {
            prompt = new CodeGrid(promptFrames, Q);
            for (int f = 0; f < promptFrames; f++)
                for (int q = 0; q < Q; q++) prompt[f, q] = random.Next(V);
        }
        return separatePromptSemantic && promptFrames > 0
            ? new GenerationRequest(Semantic(frames), prompt, Semantic(promptFrames), seed)
            : LeadingPrompt(Semantic(frames + promptFrames), prompt, seed);
    }

    /// <summary>
    /// A request from semantic tokens that cover the prompt frames and then the frames to generate (the prompt's
    /// semantic tokens are the first <see cref="CodeGrid.Frames"/> of them), as a recording's tokens come.
    /// </summary>
    public static GenerationRequest LeadingPrompt(long[] semantic, CodeGrid? prompt, ulong? seed = null) =>
        prompt is null
            ? new GenerationRequest(semantic, seed: seed)
            : new GenerationRequest(semantic[prompt.Frames..], prompt, semantic[..prompt.Frames], seed);
}
