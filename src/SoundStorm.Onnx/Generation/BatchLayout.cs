using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Generation;

/// <summary>
/// How a batch of requests of different lengths sits in one padded grid: request b occupies frames 0..Total(b)−1 of row b,
/// the first <see cref="PromptFrames"/> of them holding its prompt; the frames after are padding.
/// Also validates the requests against the model's vocabulary.
/// </summary>
internal sealed class BatchLayout
{
    private BatchLayout(int[] promptFrames, int[] generatedFrames)
    {
        PromptFrames = promptFrames;
        GeneratedFrames = generatedFrames;
        int frames = 0;
        for (int b = 0; b < promptFrames.Length; b++) frames = Math.Max(frames, promptFrames[b] + generatedFrames[b]);
        Frames = frames;
    }

    public int Batch => PromptFrames.Length;

    public int Frames { get; }

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
            int tp = r.PromptAcoustic?.GetLength(0) ?? 0;
            if (r.PromptAcoustic is { } pa && pa.GetLength(1) != vocab.Codebooks)
                throw new ArgumentException($"Request {b}: PromptAcoustic must be [frames, {vocab.Codebooks}] (one column per codebook); found [{pa.GetLength(0)}, {pa.GetLength(1)}].", nameof(requests));
            if (r.PromptSemantic is { } ps)
            {
                if (r.PromptAcoustic is null)
                    throw new ArgumentException($"Request {b}: PromptSemantic is given without PromptAcoustic.", nameof(requests));
                if (ps.Length != tp)
                    throw new ArgumentException($"Request {b}: PromptSemantic has {ps.Length} frames but PromptAcoustic has {tp}; they must match.", nameof(requests));
                generated[b] = r.Semantic.Length;
            }
            else
            {
                if (tp >= r.Semantic.Length && tp > 0)
                    throw new ArgumentException(
                        $"Request {b}: the prompt ({tp} frames) is not shorter than Semantic ({r.Semantic.Length} frames), which covers prompt and generated frames when PromptSemantic is not given; nothing would be left to generate.",
                        nameof(requests));
                generated[b] = r.Semantic.Length - tp;
            }
            if (generated[b] == 0)
                throw new ArgumentException($"Request {b}: Semantic is empty; at least one frame to generate is needed.", nameof(requests));
            prompt[b] = tp;
            CheckRange(r.Semantic, vocab.SemanticVocabulary, b, "Semantic");
            if (r.PromptSemantic is { } s) CheckRange(s, vocab.SemanticVocabulary, b, "PromptSemantic");
            if (r.PromptAcoustic is { } a)
                for (int f = 0; f < a.GetLength(0); f++)
                    for (int q = 0; q < a.GetLength(1); q++)
                        if ((ulong)a[f, q] >= (ulong)vocab.CodebookSize)
                            throw new ArgumentOutOfRangeException(nameof(requests), a[f, q],
                                $"Request {b}: PromptAcoustic[{f}, {q}] = {a[f, q]} is outside the codebook range 0..{vocab.CodebookSize - 1}.");
        }
        return new BatchLayout(prompt, generated);
    }

    /// <summary>Writes prompts, masks, semantic tokens and padding flags into a fresh workspace.</summary>
    public void Fill(ILogitsWorkspace workspace, IReadOnlyList<GenerationRequest> requests, TokenVocabulary vocab)
    {
        int q = vocab.Codebooks, frames = Frames;
        Span<long> tokens = workspace.Tokens;
        Span<long> semantic = workspace.Semantic;
        Span<bool> padding = workspace.Padding;
        tokens.Fill(vocab.MaskTokenId);
        semantic.Clear();
        padding.Fill(true);
        for (int b = 0; b < Batch; b++)
        {
            var r = requests[b];
            int tp = PromptFrames[b], total = tp + GeneratedFrames[b];
            padding.Slice(b * frames, total).Clear();
            if (r.PromptAcoustic is { } a)
                for (int f = 0; f < tp; f++)
                    for (int c = 0; c < q; c++)
                        tokens[(b * frames + f) * q + c] = a[f, c];
            Span<long> row = semantic.Slice(b * frames, total);
            if (r.PromptSemantic is { } ps)
            {
                ps.CopyTo(row);
                r.Semantic.CopyTo(row[tp..]);
            }
            else
            {
                r.Semantic.CopyTo(row);
            }
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
