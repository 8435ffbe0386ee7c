using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Generation;

/// <summary>
/// How a batch of requests of different lengths sits in one padded grid: request b occupies frames 0..Total(b)−1 of row b,
/// the first <see cref="PromptFrames"/> of them holding its prompt; the frames after are padding.
/// Also validates the requests against the model's vocabulary.
/// </summary>
internal sealed class BatchLayout
{
    private BatchLayout(int[] promptFrames, int[] generatedFrames, int codebooks)
    {
        Codebooks = codebooks;
        PromptFrames = promptFrames;
        GeneratedFrames = generatedFrames;
        int frames = 0;
        for (int b = 0; b < promptFrames.Length; b++) frames = Math.Max(frames, promptFrames[b] + generatedFrames[b]);
        Frames = frames;
    }

    public int Batch => PromptFrames.Length;

    public int Frames { get; }

    /// <summary>Codes per frame (Q).</summary>
    public int Codebooks { get; }

    public int[] PromptFrames { get; }

    public int[] GeneratedFrames { get; }

    public static BatchLayout Create(IReadOnlyList<GenerationRequest> requests, TokenVocabulary vocab)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) throw new ArgumentException("At least one request is needed.", nameof(requests));
        var prompt = new int[requests.Count];
        var generated = new int[requests.Count];
        for (int b = 0; b < requests.Count; b++)
        {
            var r = requests[b] ?? throw new ArgumentNullException(nameof(requests), $"Request {b} is null.");
            CheckPrompt(r, b, vocab);
            if (r.Semantic.Length == 0)
                throw new ArgumentException($"Request {b}: Semantic is empty; at least one frame to generate is needed.", nameof(requests));
            prompt[b] = r.PromptFrames;
            generated[b] = r.Semantic.Length;
            CheckRange(r.Semantic, vocab.SemanticVocabulary, b, "Semantic");
        }
        return new BatchLayout(prompt, generated, vocab.Codebooks);
    }

    // A prompt is its codes and its semantic tokens, frame for frame, each in its vocabulary.
    private static void CheckPrompt(GenerationRequest r, int b, TokenVocabulary vocab)
    {
        if (r.PromptSemantic is not null && r.PromptAcoustic is null)
            throw new ArgumentException($"Request {b}: PromptSemantic is given without PromptAcoustic.", "requests");
        if (r.PromptAcoustic is not { } a) return;
        if (a.Codebooks != vocab.Codebooks)
            throw new ArgumentException($"Request {b}: PromptAcoustic must be [frames, {vocab.Codebooks}] (one column per codebook); found [{a.Frames}, {a.Codebooks}].", "requests");
        if (r.PromptSemantic is null)
            throw new ArgumentException($"Request {b}: PromptAcoustic is given without PromptSemantic (the prompt's semantic tokens, one per prompt frame).", "requests");
        if (r.PromptSemantic.Length != a.Frames)
            throw new ArgumentException($"Request {b}: PromptSemantic has {r.PromptSemantic.Length} frames but PromptAcoustic has {a.Frames}; they must match.", "requests");
        CheckRange(r.PromptSemantic, vocab.SemanticVocabulary, b, "PromptSemantic");
        ReadOnlySpan<long> codes = a.AsSpan();
        for (int i = 0; i < codes.Length; i++)
            if ((ulong)codes[i] >= (ulong)vocab.CodebookSize)
                throw new ArgumentOutOfRangeException("requests", codes[i],
                    $"Request {b}: PromptAcoustic[{i / a.Codebooks}, {i % a.Codebooks}] = {codes[i]} is outside the codebook range 0..{vocab.CodebookSize - 1}.");
    }

    /// <summary>Position of frame <paramref name="f"/> of request <paramref name="b"/> in the padded [batch, frames] grid.</summary>
    public int Cell(int b, int f) => b * Frames + f;

    /// <summary>Position of codebook <paramref name="q"/> of frame <paramref name="f"/> of request <paramref name="b"/> in the padded [batch, frames, Q] token grid.</summary>
    public int Index(int b, int f, int q) => Cell(b, f) * Codebooks + q;

    /// <summary>Writes prompts, masks, semantic tokens and padding flags into a fresh workspace.</summary>
    public void Fill(ILogitsWorkspace workspace, IReadOnlyList<GenerationRequest> requests, TokenVocabulary vocab)
    {
        Span<long> tokens = workspace.Tokens;
        Span<long> semantic = workspace.Semantic;
        Span<bool> padding = workspace.Padding;
        tokens.Fill(vocab.MaskTokenId);
        semantic.Clear();
        padding.Fill(true);
        for (int b = 0; b < Batch; b++)
        {
            var r = requests[b];
            int tp = PromptFrames[b];
            padding.Slice(Cell(b, 0), tp + GeneratedFrames[b]).Clear();
            if (r.PromptAcoustic is { } a)
            {
                a.AsSpan().CopyTo(tokens[Index(b, 0, 0)..]);
                r.PromptSemantic!.CopyTo(semantic[Cell(b, 0)..]);
            }
            r.Semantic.CopyTo(semantic[Cell(b, tp)..]);
        }
    }

    private static void CheckRange(long[] ids, int vocabulary, int request, string field)
    {
        for (int i = 0; i < ids.Length; i++)
            if ((ulong)ids[i] >= (ulong)vocabulary)
                throw new ArgumentOutOfRangeException("requests", ids[i],
                    $"Request {request}: {field}[{i}] = {ids[i]} is outside the semantic vocabulary 0..{vocabulary - 1}.");
    }
}
