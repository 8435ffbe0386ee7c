namespace SoundStorm.Onnx.Generation;

/// <summary>
/// SoundStorm's level-wise MaskGIT decoding (§3.2). Levels go coarse to fine; while level q is decoded, levels below it
/// are fixed and levels above it are all mask. Iteration i of n samples every still-masked level-q position of the
/// generated frames, ranks the samples by confidence (log-probability plus annealed Gumbel noise), keeps the most
/// confident and leaves ⌊T·cos(π/2·i/n)⌋ masked (<see cref="CosineMaskSchedule"/>). Prompt frames are never touched.
/// Every request has its own random stream, drawn in frame order, so batching does not change its tokens.
/// </summary>
internal sealed class MaskGitStrategy : ISamplingStrategy
{
    private readonly ILogitsWorkspace _workspace;
    private readonly BatchLayout _layout;
    private readonly TokenVocabulary _vocab;
    private readonly GenerationOptions _options;
    private readonly int[] _iterations;
    private readonly Xoshiro256StarStar[] _rngs;
    private readonly TokenSampler _sampler;
    private readonly int _width;

    // Per-request scratch, sized for the longest request: positions still masked, their samples and confidences.
    private readonly int[] _positions;
    private readonly long[] _candidates;
    private readonly float[] _rankKeys;
    private readonly int[] _rankOrder;

    private int _level;
    private int _iteration = 1;

    public MaskGitStrategy(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int logitsWidth,
        GenerationOptions options, ReadOnlySpan<ulong> seeds)
    {
        _workspace = workspace;
        _layout = layout;
        _vocab = vocab;
        _options = options;
        _width = logitsWidth;
        _iterations = new int[vocab.Codebooks];
        for (int q = 0; q < vocab.Codebooks; q++)
        {
            _iterations[q] = options.IterationsFor(q);
            TotalSteps += _iterations[q];
        }
        _rngs = new Xoshiro256StarStar[layout.Batch];
        for (int b = 0; b < layout.Batch; b++) _rngs[b] = new Xoshiro256StarStar(seeds[b]);
        _sampler = new TokenSampler(logitsWidth);
        _positions = new int[layout.Frames];
        _candidates = new long[layout.Frames];
        _rankKeys = new float[layout.Frames];
        _rankOrder = new int[layout.Frames];
    }

    public int TotalSteps { get; }

    public int CompletedSteps { get; private set; }

    public GenerationProgress Step(CancellationToken cancellationToken)
    {
        if (CompletedSteps == TotalSteps) throw new InvalidOperationException("The run is already complete.");
        cancellationToken.ThrowIfCancellationRequested();
        int level = _level, iteration = _iteration, iterations = _iterations[level];
        _workspace.Run(level, cancellationToken);

        float temperature = _options.Temperature;
        if (_options.AnnealTemperature) temperature *= (float)(iterations - iteration + 1) / iterations;
        if (level > 0 && _options.GreedyFinerLevels) temperature = 0;
        double noise = _options.ConfidenceNoise * (1 - (double)iteration / iterations);
        for (int b = 0; b < _layout.Batch; b++)
            DecodeRequest(b, level, iteration, iterations, temperature, noise);

        CompletedSteps++;
        if (++_iteration > iterations && _level < _iterations.Length - 1)
        {
            _level++;
            _iteration = 1;
        }
        return new GenerationProgress(CompletedSteps, TotalSteps, level, iteration, iterations);
    }

    private void DecodeRequest(int b, int level, int iteration, int iterations, float temperature, double noise)
    {
        int q = _vocab.Codebooks, frames = _layout.Frames;
        int first = _layout.PromptFrames[b], total = _layout.GeneratedFrames[b];
        Span<long> tokens = _workspace.Tokens;
        ReadOnlySpan<float> logits = _workspace.Logits;
        long mask = _vocab.MaskTokenId;
        ref Xoshiro256StarStar rng = ref _rngs[b];

        int count = 0;
        for (int f = first; f < first + total; f++)
        {
            if (tokens[(b * frames + f) * q + level] != mask) continue;
            ReadOnlySpan<float> row = logits.Slice((b * frames + f) * _width, _width);
            int token = _sampler.Sample(row, temperature, _options.TopK, _options.TopP, ref rng);
            double confidence = _sampler.LogProbability(row, token);
            if (noise > 0) confidence += noise * rng.NextGumbel();
            _positions[count] = f;
            _candidates[count] = token;
            _rankKeys[count] = (float)-confidence; // ascending sort puts the most confident first
            _rankOrder[count] = count;
            count++;
        }

        int reveal = count - CosineMaskSchedule.StillMasked(total, iteration, iterations);
        if (reveal <= 0) return;
        if (reveal < count) _rankKeys.AsSpan(0, count).Sort(_rankOrder.AsSpan(0, count));
        for (int j = 0; j < reveal; j++)
        {
            int k = _rankOrder[j];
            tokens[(b * frames + _positions[k]) * q + level] = _candidates[k];
        }
    }
}
