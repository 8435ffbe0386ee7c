using SoundStorm.Onnx.Generation.Graphs;
using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Generation.MaskGit;

/// <summary>
/// SoundStorm's level-wise MaskGIT decoding (§3.2). Levels go coarse to fine; while level q is decoded, levels below it
/// are fixed and levels above it are all mask. Iteration i of n samples every still-masked level-q position of the
/// generated frames, ranks the samples by confidence (log-probability plus annealed Gumbel noise), keeps the most
/// confident and leaves ⌊T·cos(π/2·i/n)⌋ masked (<see cref="CosineMaskSchedule"/>). Prompt frames are never touched.
/// Every request has its own random stream, drawn in frame order, so batching does not change its tokens.
/// </summary>
internal sealed class MaskGitSampler : ISampler
{
    private readonly ILogitsWorkspace _workspace;
    private readonly BatchLayout _layout;
    private readonly TokenVocabulary _vocab;
    private readonly GenerationOptions _options;
    private readonly int[] _iterations;
    private readonly (int Level, int Iteration)[] _steps; // the paper's nested loop, one entry per network call
    private readonly Xoshiro256StarStar[] _rngs;
    private readonly TokenSampler _sampler;
    private readonly int _width;

    // Per-request scratch, sized for the longest request: positions still masked, their samples and confidences.
    private readonly int[] _positions;
    private readonly long[] _candidates;
    private readonly float[] _rankKeys;
    private readonly int[] _rankOrder;

    public MaskGitSampler(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int logitsWidth,
        GenerationOptions options, ReadOnlySpan<ulong> seeds)
    {
        _workspace = workspace;
        _layout = layout;
        _vocab = vocab;
        _options = options;
        _width = logitsWidth;
        _iterations = new int[vocab.Codebooks];
        var steps = new List<(int, int)>();
        for (int level = 0; level < vocab.Codebooks; level++)
        {
            _iterations[level] = options.IterationsFor(level);
            for (int iteration = 1; iteration <= _iterations[level]; iteration++) steps.Add((level, iteration));
        }
        _steps = [.. steps];
        _rngs = new Xoshiro256StarStar[layout.Batch];
        for (int b = 0; b < layout.Batch; b++) _rngs[b] = new Xoshiro256StarStar(seeds[b]);
        _sampler = new TokenSampler(logitsWidth);
        _positions = new int[layout.Frames];
        _candidates = new long[layout.Frames];
        _rankKeys = new float[layout.Frames];
        _rankOrder = new int[layout.Frames];
    }

    public int TotalSteps => _steps.Length;

    public int CompletedSteps { get; private set; }

    public GenerationProgress Step(CancellationToken cancellationToken)
    {
        if (CompletedSteps == TotalSteps) throw new InvalidOperationException("The run is already complete.");
        cancellationToken.ThrowIfCancellationRequested();
        var (level, iteration) = _steps[CompletedSteps];
        int iterations = _iterations[level];
        _workspace.Run(level, cancellationToken);

        float temperature = level > 0 && _options.GreedyFinerLevels ? 0 : SamplingTemperature(iteration, iterations);
        double noise = ConfidenceNoiseScale(iteration, iterations);
        for (int b = 0; b < _layout.Batch; b++)
            DecodeRequest(b, level, iteration, iterations, temperature, noise);

        CompletedSteps++;
        return new GenerationProgress(CompletedSteps, TotalSteps, level, iteration, iterations);
    }

    // Linear annealing over a level's iterations, as MaskGIT does it. The two schedules are one iteration apart: the
    // temperature starts at its full value on iteration 1 (factor (n − i + 1)/n), the confidence noise reaches 0 on
    // iteration n (factor 1 − i/n); both are kept exactly as written, since any rewrite changes rounding and so tokens.
    private float SamplingTemperature(int iteration, int iterations) =>
        _options.AnnealTemperature ? _options.Temperature * ((float)(iterations - iteration + 1) / iterations) : _options.Temperature;

    private double ConfidenceNoiseScale(int iteration, int iterations) => _options.ConfidenceNoise * (1 - (double)iteration / iterations);

    private void DecodeRequest(int b, int level, int iteration, int iterations, float temperature, double noise)
    {
        int first = _layout.PromptFrames[b], total = _layout.GeneratedFrames[b];
        Span<long> tokens = _workspace.Tokens;
        ReadOnlySpan<float> logits = _workspace.Logits;
        long mask = _vocab.MaskTokenId;
        ref Xoshiro256StarStar rng = ref _rngs[b];

        int count = 0;
        for (int f = first; f < first + total; f++)
        {
            if (tokens[_layout.Index(b, f, level)] != mask) continue;
            ReadOnlySpan<float> row = logits.Slice(_layout.Cell(b, f) * _width, _width);
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
            tokens[_layout.Index(b, _positions[k], level)] = _candidates[k];
        }
    }
}
