namespace SoundStorm.Onnx;

/// <summary>
/// One utterance to generate: semantic tokens for the frames to generate, optionally with a voice prompt given as its
/// codec codes and its semantic tokens, frame for frame. The result holds only the generated frames.
/// </summary>
public sealed class GenerationRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="semantic">Semantic tokens of the frames to generate, one per frame (0 ≤ id &lt; K).</param>
    /// <param name="promptAcoustic">Optional prompt codec codes [Tp, Q] (0 ≤ id &lt; V); never changed by generation.</param>
    /// <param name="promptSemantic">The prompt's semantic tokens [Tp]; given exactly when <paramref name="promptAcoustic"/> is.</param>
    /// <param name="seed">Optional seed for this request alone.</param>
    public GenerationRequest(long[] semantic, CodeGrid? promptAcoustic = null, long[]? promptSemantic = null, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(semantic);
        Semantic = semantic;
        PromptAcoustic = promptAcoustic;
        PromptSemantic = promptSemantic;
        Seed = seed;
    }

    /// <summary>Semantic tokens of the frames to generate.</summary>
    public long[] Semantic { get; }

    /// <summary>Prompt codec codes [Tp, Q], or null for no prompt.</summary>
    public CodeGrid? PromptAcoustic { get; }

    /// <summary>Prompt semantic tokens [Tp], or null for no prompt.</summary>
    public long[]? PromptSemantic { get; }

    /// <summary>Prompt frames (Tp): 0 without a prompt.</summary>
    public int PromptFrames => PromptAcoustic?.Frames ?? 0;

    /// <summary>This request's seed, or null to derive one from <see cref="GenerationOptions.Seed"/>.</summary>
    public ulong? Seed { get; }
}
