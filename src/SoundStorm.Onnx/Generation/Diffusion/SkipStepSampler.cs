using SoundStorm.Onnx.Generation.Graphs;
using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The seed's fast skip-step sampler with skip K (<see cref="GenerationOptions.DiffusionSkipSteps"/> &gt; 0): steps
/// 99, 99−(K+1), …, 0; at each, every position is redrawn from the posterior of the step K below it.
/// </summary>
internal sealed class SkipStepSampler : DiffusionSampler
{
    private readonly int _skip;

    public SkipStepSampler(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int classesPerCodebook,
        GenerationOptions options, ReadOnlySpan<ulong> seeds, DiffusionSchedule schedule)
        : base(workspace, layout, vocab, classesPerCodebook, options, seeds, schedule)
    {
        _skip = options.DiffusionSkipSteps;
        var steps = new List<int>();
        for (int t = schedule.Steps - 1; t >= 0; t -= _skip + 1) steps.Add(t);
        Visit(steps);
    }

    protected override void Update(int b, int t, ref Xoshiro256StarStar rng) =>
        Redraw(b, t > _skip ? t - _skip : t, Classes + 1, ref rng);
}
