using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx;

/// <summary>
/// Generates codec (acoustic) tokens from semantic tokens with a loaded model: the network calls run in ONNX Runtime,
/// the sampling loop in C#. Thread-safe: concurrent runs each get their own buffers.
/// </summary>
public sealed class SoundStormGenerator : IDisposable
{
    private readonly ILogitsSource _source;
    private readonly TokenVocabulary _vocab;
    private readonly IDisposable? _owned;
    private readonly SamplingFamily _family = SamplingFamily.MaskGit;
    private readonly Sessions.UsageGuard _guard = new(nameof(SoundStormGenerator));

    /// <summary>Opens the package's combiner and transformer graphs.</summary>
    /// <param name="package">A loaded package (either family: level-wise MaskGIT or the seed's discrete diffusion).</param>
    /// <param name="settings">Provider and threading settings; default CPU.</param>
    /// <exception cref="ExecutionProviderUnavailableException">The provider is missing and CPU fallback is off.</exception>
    /// <exception cref="ModelPackageException">A graph does not match its manifest entry.</exception>
    public SoundStormGenerator(ModelPackage package, SessionSettings? settings = null)
        : this(OpenGraphs(package, settings), VocabularyOf(package))
    {
        _owned = (IDisposable)_source;
        _family = SamplingFamily.For(package.Manifest.ModelFamily);
        Limits = new PassLimits(package.Manifest.MaxGeneratedFrames, package.Manifest.MaxPromptFrames, package.Manifest.FrameRate);
    }

    private static ILogitsSource OpenGraphs(ModelPackage package, SessionSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(package);
        return SamplingFamily.For(package.Manifest.ModelFamily).OpenGraphs(package, settings ?? new SessionSettings());
    }

    private static TokenVocabulary VocabularyOf(ModelPackage package) =>
        new(package.Manifest.Codebooks, package.Manifest.CodebookSize, package.Manifest.SemanticVocabulary, package.Manifest.MaskTokenId);

    internal SoundStormGenerator(ILogitsSource source, TokenVocabulary vocab, string family)
        : this(source, vocab)
    {
        _family = SamplingFamily.For(family);
    }

    internal SoundStormGenerator(ILogitsSource source, TokenVocabulary vocab, IDisposable? owned = null)
    {
        _source = source;
        _vocab = vocab;
        _owned = owned;
    }

    /// <summary>Codebooks per frame (Q).</summary>
    public int Codebooks => _vocab.Codebooks;

    /// <summary>Codes per codebook (V).</summary>
    public int CodebookSize => _vocab.CodebookSize;

    /// <summary>Semantic vocabulary size (K).</summary>
    public int SemanticVocabulary => _vocab.SemanticVocabulary;

    /// <summary>The most frames one pass generates (the package's position table), or null where the model has no fixed limit.</summary>
    public int? MaxGeneratedFrames => Limits.Generated;

    /// <summary>The most prompt frames one pass takes, or null where the model has no fixed limit.</summary>
    public int? MaxPromptFrames => Limits.Prompt;

    internal PassLimits Limits { get; init; } = PassLimits.None;

    /// <summary>
    /// Frames per window of <see cref="GenerateLong(GenerationRequest, GenerationOptions?, IProgress{GenerationProgress}?, CancellationToken)"/>:
    /// 30 s (the paper generates 30 s and continues from there), or the model's one-pass limit when that is shorter.
    /// </summary>
    public int DefaultWindowFrames => Math.Min((int)(DefaultWindowSeconds * Limits.FrameRate), Limits.Generated ?? int.MaxValue);

    /// <summary>Frames of each window carried into the next as its prompt by default: 3 s (the paper's prompt length), within the model's prompt limit.</summary>
    public int DefaultOverlapFrames => Math.Min(Math.Min((int)(DefaultOverlapSeconds * Limits.FrameRate), DefaultWindowFrames / 2), Limits.Prompt ?? int.MaxValue);

    internal const double DefaultWindowSeconds = 30, DefaultOverlapSeconds = 3;

    /// <summary>
    /// Starts a batch. Requests may differ in length; they are padded to the longest and each keeps its own random stream,
    /// so a request gets the same tokens alone or in any batch.
    /// </summary>
    /// <exception cref="ArgumentException">A request is empty, its prompt is too long, a token is out of range (the message names request, field and index),
    /// or it is longer than the model takes in one pass (<see cref="MaxGeneratedFrames"/>, <see cref="MaxPromptFrames"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public GenerationRun Start(IReadOnlyList<GenerationRequest> requests, GenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null)
    {
        options ??= new GenerationOptions();
        options.Validate(_vocab.Codebooks, _vocab.CodebookSize);
        var layout = BatchLayout.Create(requests, _vocab);
        Limits.Check(layout);
        var seeds = new ulong[layout.Batch];
        for (int b = 0; b < seeds.Length; b++) seeds[b] = requests[b].Seed ?? unchecked(options.Seed + (ulong)b);
        using (_guard.Enter()) { } // a disposed generator refuses new runs at once
        var workspace = new TimedWorkspace(_source.CreateWorkspace(layout.Batch, layout.Frames), _guard);
        try
        {
            layout.Fill(workspace, requests, _vocab);
            workspace.Prepare(layout);
            var sampler = _family.CreateSampler(workspace, layout, _vocab, _source.LogitsWidth, options, seeds);
            return new GenerationRun(workspace, sampler, layout, progress);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>Generates a batch to the end and returns each request's tokens [generated frames, Q].</summary>
    public IReadOnlyList<CodeGrid> Generate(IReadOnlyList<GenerationRequest> requests, GenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var run = Start(requests, options, progress);
        while (!run.IsDone) run.Step(cancellationToken);
        return run.GetResults();
    }

    /// <summary>Generates one request to the end and returns its tokens [generated frames, Q].</summary>
    public CodeGrid Generate(GenerationRequest request, GenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Generate([request], options, progress, cancellationToken)[0];

    /// <summary>
    /// Generates a request of any length in windows of at most <paramref name="windowFrames"/> frames (prompt included);
    /// each window after the first takes the previous window's last <paramref name="overlapFrames"/> generated frames as
    /// its prompt, so the voice carries over without seams. Returns the tokens of every frame to generate [T, Q].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The overlap is not shorter than the window.</exception>
    /// <exception cref="ArgumentException">The prompt does not fit in a window, or nothing is left to generate.</exception>
    public CodeGrid GenerateLong(GenerationRequest request, int windowFrames, int overlapFrames, GenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        LongFormGeneration.Generate(this, request, windowFrames, overlapFrames, options ?? new GenerationOptions(), progress, cancellationToken);

    /// <summary>
    /// Generates a request of any length in memory that does not grow with it: in one pass when it fits in
    /// <see cref="DefaultWindowFrames"/>, else in windows of that size with <see cref="DefaultOverlapFrames"/> of overlap.
    /// </summary>
    /// <exception cref="ArgumentException">The prompt does not fit in a window, or nothing is left to generate.</exception>
    public CodeGrid GenerateLong(GenerationRequest request, GenerationOptions? options = null, IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        GenerateLong(request, DefaultWindowFrames, DefaultOverlapFrames, options, progress, cancellationToken);

    /// <summary>Runs <see cref="Generate(IReadOnlyList{GenerationRequest}, GenerationOptions?, IProgress{GenerationProgress}?, CancellationToken)"/> on the thread pool.</summary>
    public Task<IReadOnlyList<CodeGrid>> GenerateAsync(IReadOnlyList<GenerationRequest> requests, GenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Generate(requests, options, progress, cancellationToken), cancellationToken);

    /// <summary>
    /// Releases the sessions. Safe while other threads generate: it waits for network calls in flight to finish;
    /// their next step, and any later call, throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (_guard.IsClosed) return;
        _guard.CloseAndWait();
        _owned?.Dispose();
    }
}
