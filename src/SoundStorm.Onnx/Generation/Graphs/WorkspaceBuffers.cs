namespace SoundStorm.Onnx.Generation.Graphs;

/// <summary>
/// The host buffers every workspace has for one batch shape: tokens [batch, frames, Q], semantic tokens and padding
/// flags [batch, frames], logits [batch, frames, width]. A source's workspace derives from it and adds how its network
/// reads and fills them.
/// </summary>
internal abstract class WorkspaceBuffers(int batch, int frames, int codebooks, int logitsWidth) : ILogitsWorkspace
{
    protected readonly long[] TokenArray = new long[batch * frames * codebooks];
    protected readonly long[] SemanticArray = new long[batch * frames];
    protected readonly bool[] PaddingArray = new bool[batch * frames];
    protected readonly float[] LogitsArray = new float[batch * frames * logitsWidth];

    public int Batch => batch;
    public int Frames => frames;
    public Span<long> Tokens => TokenArray;
    public Span<long> Semantic => SemanticArray;
    public Span<bool> Padding => PaddingArray;
    public ReadOnlySpan<float> Logits => LogitsArray;

    public virtual void Prepare(BatchLayout layout)
    {
    }

    public abstract void Run(long condition, CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }
}

/// <summary>A workspace that passes everything through to another; a subclass adds to <see cref="Run"/>.</summary>
internal abstract class ForwardingWorkspace(ILogitsWorkspace inner) : ILogitsWorkspace
{
    protected ILogitsWorkspace Inner => inner;

    public int Batch => inner.Batch;
    public int Frames => inner.Frames;
    public Span<long> Tokens => inner.Tokens;
    public Span<long> Semantic => inner.Semantic;
    public Span<bool> Padding => inner.Padding;
    public ReadOnlySpan<float> Logits => inner.Logits;

    public void Prepare(BatchLayout layout) => inner.Prepare(layout);

    public virtual void Run(long condition, CancellationToken cancellationToken) => inner.Run(condition, cancellationToken);

    public void Dispose() => inner.Dispose();
}
