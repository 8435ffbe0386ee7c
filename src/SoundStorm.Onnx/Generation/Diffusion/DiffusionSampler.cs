using SoundStorm.Onnx.Generation.Graphs;
using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// What both of the seed implementation's discrete-diffusion samplers share (Improved VQ-Diffusion; upstream-facts
/// §2.6): all codebooks at once, one network call per diffusion step, counting t down to 0; the network's logits per
/// (frame, codebook) turned into a top-r truncated log p̂(x₀); and the last step (t = 0), which redraws every position
/// from the posterior. <see cref="PuritySampler"/> and <see cref="SkipStepSampler"/> differ in which steps they visit
/// and what a step t ≥ 1 does. Each request has its own random stream, so batching does not change its tokens.
/// </summary>
internal abstract class DiffusionSampler : ISampler
{
    private readonly ILogitsWorkspace _workspace;
    private readonly double[] _noise;
    private readonly PositionRedraw _redraw;
    private readonly Xoshiro256StarStar[] _rngs;
    private int[] _steps = [];

    protected DiffusionSampler(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int classesPerCodebook,
        GenerationOptions options, ReadOnlySpan<ulong> seeds, DiffusionSchedule schedule)
    {
        if (vocab.MaskTokenId != classesPerCodebook)
            throw new ArgumentException($"The diffusion sampler needs the mask id to be the class after the network's {classesPerCodebook} classes; found {vocab.MaskTokenId}.");
        if (schedule.Classes != classesPerCodebook + 1)
            throw new ArgumentException($"The schedule counts {schedule.Classes} classes; the network has {classesPerCodebook} + mask.");
        _workspace = workspace;
        Layout = layout;
        Vocab = vocab;
        Options = options;
        Classes = classesPerCodebook;
        Schedule = schedule;
        _rngs = new Xoshiro256StarStar[layout.Batch];
        for (int b = 0; b < layout.Batch; b++) _rngs[b] = new Xoshiro256StarStar(seeds[b]);
        LogX0 = new float[Classes + 1];
        Scratch = new float[Classes + 1];
        Rows = new PosteriorScratch(Classes + 1);
        _noise = new double[Classes + 1];
        _redraw = new PositionRedraw(Classes, Math.Min(Environment.ProcessorCount, 8));
    }

    protected BatchLayout Layout { get; }

    protected TokenVocabulary Vocab { get; }

    protected GenerationOptions Options { get; }

    /// <summary>C: network classes per codebook (codes + pads); the mask class is C.</summary>
    protected int Classes { get; }

    protected DiffusionSchedule Schedule { get; }

    /// <summary>The truncated log p̂₀ of the position last given to <see cref="PredictX0"/>.</summary>
    protected float[] LogX0 { get; }

    /// <summary>A row of C + 1 log-probabilities to work in.</summary>
    protected float[] Scratch { get; }

    /// <summary>Working rows for <see cref="DiffusionPosterior"/>.</summary>
    protected PosteriorScratch Rows { get; }

    protected Span<long> Tokens => _workspace.Tokens;

    protected ReadOnlySpan<float> Logits => _workspace.Logits;

    public int TotalSteps => _steps.Length;

    public int CompletedSteps { get; private set; }

    /// <summary>Sets the steps t ≥ 1 the sampler visits, in order; the final t = 0 redraw is added after them.</summary>
    protected void Visit(List<int> steps)
    {
        if (steps.Count == 0 || steps[^1] != 0) steps.Add(0);
        _steps = [.. steps];
    }

    public GenerationProgress Step(CancellationToken cancellationToken)
    {
        if (CompletedSteps == TotalSteps) throw new InvalidOperationException("The run is already complete.");
        cancellationToken.ThrowIfCancellationRequested();
        int t = _steps[CompletedSteps];
        _workspace.Run(t, cancellationToken);
        for (int b = 0; b < Layout.Batch; b++)
        {
            // Departs from upstream: its last step draws from the posterior over every class, so a pad id could reach
            // the codec; here the draw is restricted to the real codes 0..V−1.
            if (t == 0) Redraw(b, 0, Vocab.CodebookSize, ref _rngs[b]);
            else Update(b, t, ref _rngs[b]);
        }
        CompletedSteps++;
        return new GenerationProgress(CompletedSteps, TotalSteps, 0, t, Schedule.Steps);
    }

    /// <summary>Step t ≥ 1 for request <paramref name="b"/>, after the network ran.</summary>
    protected abstract void Update(int b, int t, ref Xoshiro256StarStar rng);

    /// <summary>Truncated log p̂₀ of one (frame, codebook) position into <see cref="LogX0"/>.</summary>
    protected void PredictX0(int b, int f, int q)
    {
        int index = Layout.Index(b, f, q);
        DiffusionPosterior.LogX0(Logits.Slice(index * Classes, Classes), LogX0, Rows);
        DiffusionPosterior.TruncateTopR(LogX0, Options.DiffusionTruncation, Rows);
    }

    /// <summary>Every position of request b gets a draw from log p(x_{t−1} | x_t) over the first <paramref name="allowed"/> classes.</summary>
    protected void Redraw(int b, int t, int allowed, ref Xoshiro256StarStar rng) =>
        _redraw.Run(Layout, b, t, allowed, Schedule, Options.DiffusionTruncation, Tokens, Logits, ref rng);

    /// <summary>Gumbel-max draw over the first <paramref name="classes"/> entries of a log-probability row (one uniform per class, in class order).</summary>
    protected int GumbelMax(ReadOnlySpan<float> logProbabilities, int classes, ref Xoshiro256StarStar rng)
    {
        Span<double> uniforms = _noise.AsSpan(0, classes);
        rng.FillOpenUnit(uniforms);
        return PositionRedraw.GumbelMax(logProbabilities, uniforms);
    }
}
