using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Generation.Graphs;
using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx;

/// <summary>
/// One batch being generated, stepped by the caller: <c>while (!run.IsDone) run.Step();</c> then <see cref="GetResults"/>.
/// Each <see cref="Step"/> is one network call. Holds the run's buffers (native memory for ONNX graphs): dispose it.
/// </summary>
public sealed class GenerationRun : IDisposable
{
    private readonly ILogitsWorkspace _workspace;
    private readonly ISampler _sampler;
    private readonly BatchLayout _layout;
    private readonly IProgress<GenerationProgress>? _progress;
    private bool _disposed;

    internal GenerationRun(ILogitsWorkspace workspace, ISampler sampler, BatchLayout layout, IProgress<GenerationProgress>? progress)
    {
        _workspace = workspace;
        _sampler = sampler;
        _layout = layout;
        _progress = progress;
    }

    /// <summary>Number of requests in the batch.</summary>
    public int BatchSize => _layout.Batch;

    /// <summary>Network calls the run makes in total.</summary>
    public int TotalSteps => _sampler.TotalSteps;

    /// <summary>Network calls made so far.</summary>
    public int CompletedSteps => _sampler.CompletedSteps;

    /// <summary>True when every token is decided.</summary>
    public bool IsDone => _sampler.CompletedSteps == _sampler.TotalSteps;

    /// <summary>Makes one network call and updates the tokens; reports progress if a reporter was given.</summary>
    /// <exception cref="OperationCanceledException">Cancelled before or during the call.</exception>
    /// <exception cref="InvalidOperationException">The run is already done.</exception>
    public GenerationProgress Step(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var progress = _sampler.Step(cancellationToken);
        _progress?.Report(progress);
        return progress;
    }

    /// <summary>The generated acoustic tokens of request <paramref name="request"/>: [generated frames, Q], prompt frames excluded.</summary>
    /// <exception cref="InvalidOperationException">The run is not done yet.</exception>
    public CodeGrid GetResult(int request)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsDone) throw new InvalidOperationException($"The run is not done: {CompletedSteps} of {TotalSteps} steps made.");
        ArgumentOutOfRangeException.ThrowIfNegative(request);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(request, _layout.Batch);
        int first = _layout.PromptFrames[request], count = _layout.GeneratedFrames[request];
        var codes = _workspace.Tokens.Slice(_layout.Index(request, first, 0), count * _layout.Codebooks).ToArray();
        return new CodeGrid(codes, _layout.Codebooks);
    }

    /// <summary>The generated tokens of every request, in request order.</summary>
    public IReadOnlyList<CodeGrid> GetResults()
    {
        var results = new CodeGrid[_layout.Batch];
        for (int b = 0; b < results.Length; b++) results[b] = GetResult(b);
        return results;
    }

    /// <summary>
    /// Time spent inside the network (ONNX Runtime) so far; the rest of a run's wall time is the sampler loop.
    /// </summary>
    public TimeSpan NetworkTime => (_workspace as TimedWorkspace)?.NetworkTime ?? TimeSpan.Zero;

    /// <summary>The whole current grid [batch, frames, Q] including prompts, padding and masks (for inspection and tests).</summary>
    internal ReadOnlySpan<long> CurrentTokens => _workspace.Tokens;

    /// <summary>Frames of the padded grid.</summary>
    internal int Frames => _layout.Frames;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _workspace.Dispose();
    }
}
