namespace SoundStorm.Onnx.Generation.Graphs;

/// <summary>
/// Whatever turns a token grid into logits: the combiner + transformer ONNX graphs in production, a C# function in tests.
/// Thread-safe: each run gets its own <see cref="ILogitsWorkspace"/>.
/// </summary>
internal interface ILogitsSource
{
    /// <summary>Number of codebooks Q (the last axis of the token grid).</summary>
    int Codebooks { get; }

    /// <summary>Width of the logits' last axis.</summary>
    int LogitsWidth { get; }

    /// <summary>Allocates the input and output buffers for one batch shape; reused for every call of the run.</summary>
    ILogitsWorkspace CreateWorkspace(int batch, int frames);
}

/// <summary>Buffers of one batch shape, written by the sampler and read by the network (and back).</summary>
internal interface ILogitsWorkspace : IDisposable
{
    int Batch { get; }

    int Frames { get; }

    /// <summary>The token grid [batch, frames, Q]; the mask id where unknown.</summary>
    Span<long> Tokens { get; }

    /// <summary>Semantic tokens [batch, frames].</summary>
    Span<long> Semantic { get; }

    /// <summary>True at padding frames [batch, frames].</summary>
    Span<bool> Padding { get; }

    /// <summary>The logits of the last <see cref="Run"/>: [batch, frames, LogitsWidth] (maskgit: the asked level only).</summary>
    ReadOnlySpan<float> Logits { get; }

    /// <summary>Called once after the batch is written into the buffers (a source that re-packs them learns the layout here).</summary>
    void Prepare(BatchLayout layout) { }

    /// <summary>Runs the network for <paramref name="condition"/> (the level for MaskGIT, the diffusion step otherwise).</summary>
    void Run(long condition, CancellationToken cancellationToken);
}
