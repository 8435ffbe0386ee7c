namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The seed implementation's discrete-diffusion sampler (Improved VQ-Diffusion; upstream-facts §2.6): all codebooks
/// at once, one network call per diffusion step t = 99 → 0. The network's logits per (frame, codebook) are turned into
/// a top-r truncated log p̂(x₀).
/// <list type="bullet">
/// <item>Purity prior (default): at each step t ≥ 1 with reveal count n[t] &gt; 0 (<see cref="PurityRevealSchedule"/>),
/// n[t] still-masked positions are chosen with probability ∝ purity (the largest class probability) and given a token
/// drawn from the purity-sharpened p̂₀ (pads and mask excluded); revealed tokens stay.</item>
/// <item>Skip-step (fast) variant with skip K: steps 99, 99−(K+1), …, 0; every position is redrawn from the posterior.</item>
/// </list>
/// The last step (t = 0) redraws every position from the posterior, restricted to real codes 0..V−1.
/// Each request has its own random stream and its own reveal counts, so batching does not change its tokens.
/// </summary>
internal sealed class DiffusionStrategy : ISamplingStrategy
{
    private readonly ILogitsWorkspace _workspace;
    private readonly BatchLayout _layout;
    private readonly TokenVocabulary _vocab;
    private readonly GenerationOptions _options;
    private readonly int _classes; // C: network classes per codebook (codes + pads); the mask class is C
    private readonly DiffusionSchedule _schedule;
    private readonly int[] _steps;
    private readonly int[][]? _revealCounts; // per request, indexed by t; null in the skip-step variant
    private readonly Xoshiro256StarStar[] _rngs;

    private readonly float[] _logX0, _scratch, _keys;
    private readonly int[] _order;
    private readonly float[] _purity;

    public DiffusionStrategy(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int classesPerCodebook,
        GenerationOptions options, ReadOnlySpan<ulong> seeds, DiffusionSchedule schedule)
    {
        if (vocab.MaskTokenId != classesPerCodebook)
            throw new ArgumentException($"The diffusion sampler needs the mask id to be the class after the network's {classesPerCodebook} classes; found {vocab.MaskTokenId}.");
        if (schedule.Classes != classesPerCodebook + 1)
            throw new ArgumentException($"The schedule counts {schedule.Classes} classes; the network has {classesPerCodebook} + mask.");
        _workspace = workspace;
        _layout = layout;
        _vocab = vocab;
        _options = options;
        _classes = classesPerCodebook;
        _schedule = schedule;
        _rngs = new Xoshiro256StarStar[layout.Batch];
        for (int b = 0; b < layout.Batch; b++) _rngs[b] = new Xoshiro256StarStar(seeds[b]);
        _logX0 = new float[_classes + 1];
        _scratch = new float[_classes + 1];
        _keys = new float[_classes + 1];
        _order = new int[_classes + 1];
        _purity = new float[layout.Frames * vocab.Codebooks];

        var steps = new List<int>();
        if (options.DiffusionSkipSteps > 0)
        {
            for (int t = schedule.Steps - 1; t >= 0; t -= options.DiffusionSkipSteps + 1) steps.Add(t);
        }
        else
        {
            _revealCounts = new int[layout.Batch][];
            var used = new bool[schedule.Steps];
            for (int b = 0; b < layout.Batch; b++)
            {
                _revealCounts[b] = PurityRevealSchedule.Counts(layout.GeneratedFrames[b] * vocab.Codebooks, schedule.Steps);
                for (int t = 1; t < schedule.Steps; t++) used[t] |= _revealCounts[b][t] > 0;
            }
            for (int t = schedule.Steps - 1; t >= 1; t--) if (used[t]) steps.Add(t);
        }
        if (steps.Count == 0 || steps[^1] != 0) steps.Add(0);
        _steps = [.. steps];
    }

    public int TotalSteps => _steps.Length;

    public int CompletedSteps { get; private set; }

    public GenerationProgress Step(CancellationToken cancellationToken)
    {
        if (CompletedSteps == TotalSteps) throw new InvalidOperationException("The run is already complete.");
        cancellationToken.ThrowIfCancellationRequested();
        int t = _steps[CompletedSteps];
        _workspace.Run(t, cancellationToken);
        for (int b = 0; b < _layout.Batch; b++)
        {
            if (t == 0) Redraw(b, 0, _vocab.CodebookSize);
            else if (_revealCounts is null) Redraw(b, t > _options.DiffusionSkipSteps ? t - _options.DiffusionSkipSteps : t, _classes + 1);
            else RevealByPurity(b, t, _revealCounts[b][t]);
        }
        CompletedSteps++;
        return new GenerationProgress(CompletedSteps, TotalSteps, 0, t, _schedule.Steps);
    }

    /// <summary>Truncated log p̂₀ of one (frame, codebook) position into <see cref="_logX0"/>.</summary>
    private void PredictX0(int b, int f, int q)
    {
        int index = (b * _layout.Frames + f) * _vocab.Codebooks + q;
        DiffusionPosterior.LogX0(_workspace.Logits.Slice(index * _classes, _classes), _logX0);
        DiffusionPosterior.TruncateTopR(_logX0, _options.DiffusionTruncation, _keys, _order);
    }

    /// <summary>Every position of request b gets a draw from log p(x_{t−1} | x_t) over the first <paramref name="allowed"/> classes.</summary>
    private void Redraw(int b, int t, int allowed)
    {
        int q = _vocab.Codebooks, frames = _layout.Frames, first = _layout.PromptFrames[b];
        Span<long> tokens = _workspace.Tokens;
        ref var rng = ref _rngs[b];
        for (int f = first; f < first + _layout.GeneratedFrames[b]; f++)
            for (int c = 0; c < q; c++)
            {
                int index = (b * frames + f) * q + c;
                PredictX0(b, f, c);
                DiffusionPosterior.Posterior(_schedule, _logX0, (int)tokens[index], t, _scratch);
                tokens[index] = GumbelMax(_scratch, allowed, ref rng);
            }
    }

    private void RevealByPurity(int b, int t, int count)
    {
        if (count == 0) return;
        int q = _vocab.Codebooks, frames = _layout.Frames, first = _layout.PromptFrames[b];
        int positions = _layout.GeneratedFrames[b] * q;
        Span<long> tokens = _workspace.Tokens;
        long mask = _vocab.MaskTokenId;
        ReadOnlySpan<float> logits = _workspace.Logits;

        // Purity = the largest probability of p̂₀, which truncation never removes: no sort needed here.
        float maxPurity = 0;
        for (int i = 0; i < positions; i++)
        {
            var row = logits.Slice(((b * frames + first) * q + i) * _classes, _classes);
            DiffusionPosterior.LogX0(row, _scratch);
            _purity[i] = RawPurity(_scratch.AsSpan(0, _classes + 1));
            maxPurity = Math.Max(maxPurity, _purity[i]);
        }
        double total = 0;
        for (int i = 0; i < positions; i++)
        {
            _purity[i] /= maxPurity + 1e-10f;
            if (tokens[(b * frames + first) * q + i] == mask) total += _purity[i];
        }

        ref var rng = ref _rngs[b];
        for (int chosen = 0; chosen < count && total > 0; chosen++)
        {
            // Weighted choice without replacement among still-masked positions.
            double target = rng.NextDouble() * total, cumulative = 0;
            int pick = -1;
            for (int i = 0; i < positions; i++)
            {
                if (tokens[(b * frames + first) * q + i] != mask) continue;
                pick = i;
                cumulative += _purity[i];
                if (cumulative > target) break;
            }
            if (pick < 0) break;
            int f = first + pick / q, c = pick % q;
            PredictX0(b, f, c);
            PurityPrior.Sharpen(_logX0, _purity[pick], _options.PurityPriorWeight, _vocab.CodebookSize, _scratch);
            tokens[(b * frames + f) * q + c] = GumbelMax(_scratch, _vocab.CodebookSize, ref rng);
            total -= _purity[pick];
        }
    }

    /// <summary>The largest probability of a position, clamped to [0, 1] (<see cref="PurityPrior.Scores"/> for one row, before normalising).</summary>
    private static float RawPurity(ReadOnlySpan<float> logProbabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logProbabilities) max = MathF.Max(max, l);
        return Math.Clamp(MathF.Exp(max), 0f, 1f);
    }

    /// <summary>Gumbel-max draw over the first <paramref name="classes"/> entries of a log-probability row.</summary>
    private static int GumbelMax(ReadOnlySpan<float> logProbabilities, int classes, ref Xoshiro256StarStar rng)
    {
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < classes; i++)
        {
            double score = logProbabilities[i] + rng.NextGumbel();
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }
}
