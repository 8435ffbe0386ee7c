using SoundStorm.Onnx.Generation.Graphs;
using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The seed's default sampler, with the purity prior: at each step t ≥ 1 with reveal count n[t] &gt; 0
/// (<see cref="PurityRevealSchedule"/>, per request), n[t] still-masked positions are chosen with probability ∝ purity
/// (the largest class probability) and given a token drawn from the purity-sharpened p̂₀ (pads and mask excluded);
/// revealed tokens stay. Steps where no request reveals anything are skipped.
/// </summary>
/// <remarks>
/// Departs from upstream in the order of draws: upstream draws a candidate for every position and then chooses which
/// to keep; here the positions are chosen first (the choice depends on purity only, not on the candidates) and only
/// the chosen ones get a candidate. Fewer draws, the same rule — but not upstream's random stream for a given seed.
/// </remarks>
internal sealed class PuritySampler : DiffusionSampler
{
    private readonly int[][] _revealCounts; // per request, indexed by t
    private readonly float[] _purity;

    public PuritySampler(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int classesPerCodebook,
        GenerationOptions options, ReadOnlySpan<ulong> seeds, DiffusionSchedule schedule)
        : base(workspace, layout, vocab, classesPerCodebook, options, seeds, schedule)
    {
        _purity = new float[layout.Frames * vocab.Codebooks];
        _revealCounts = new int[layout.Batch][];
        var used = new bool[schedule.Steps];
        for (int b = 0; b < layout.Batch; b++)
        {
            _revealCounts[b] = PurityRevealSchedule.Counts(layout.GeneratedFrames[b] * vocab.Codebooks, schedule.Steps);
            for (int t = 1; t < schedule.Steps; t++) used[t] |= _revealCounts[b][t] > 0;
        }
        var steps = new List<int>();
        for (int t = schedule.Steps - 1; t >= 1; t--) if (used[t]) steps.Add(t);
        Visit(steps);
    }

    protected override void Update(int b, int t, ref Xoshiro256StarStar rng)
    {
        int count = _revealCounts[b][t];
        if (count == 0) return;
        int q = Vocab.Codebooks, first = Layout.PromptFrames[b], start = Layout.Index(b, first, 0);
        int positions = Layout.GeneratedFrames[b] * q;
        Span<long> tokens = Tokens;
        long mask = Vocab.MaskTokenId;
        ReadOnlySpan<float> logits = Logits;

        // Purity = the largest probability of p̂₀, which truncation never removes: no sort needed here.
        for (int i = 0; i < positions; i++)
        {
            var row = logits.Slice((start + i) * Classes, Classes);
            DiffusionPosterior.LogX0(row, Scratch, Rows);
            _purity[i] = PurityPrior.Purity(Scratch.AsSpan(0, Classes + 1));
        }
        PurityPrior.Normalize(_purity.AsSpan(0, positions));
        double total = 0;
        for (int i = 0; i < positions; i++)
            if (tokens[start + i] == mask) total += _purity[i];

        for (int chosen = 0; chosen < count && total > 0; chosen++)
        {
            // Weighted choice without replacement among still-masked positions.
            double target = rng.NextDouble() * total, cumulative = 0;
            int pick = -1;
            for (int i = 0; i < positions; i++)
            {
                if (tokens[start + i] != mask) continue;
                pick = i;
                cumulative += _purity[i];
                if (cumulative > target) break;
            }
            if (pick < 0) break;
            int f = first + pick / q, c = pick % q;
            PredictX0(b, f, c);
            PurityPrior.Sharpen(LogX0, _purity[pick], Options.PurityPriorWeight, Vocab.CodebookSize, Scratch);
            tokens[Layout.Index(b, f, c)] = GumbelMax(Scratch, Vocab.CodebookSize, ref rng);
            total -= _purity[pick];
        }
    }
}
