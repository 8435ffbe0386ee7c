
namespace SoundStorm.Onnx;

/// <summary>
/// One utterance to generate: semantic tokens for the frames to generate, optionally preceded by a voice prompt.
/// </summary>
/// <remarks>
/// Two ways to give a prompt: with <see cref="PromptSemantic"/>, the prompt's semantic tokens are separate and
/// <see cref="Semantic"/> covers only the frames to generate; without it, <see cref="Semantic"/> covers the prompt
/// frames followed by the frames to generate, and the first rows of <see cref="PromptAcoustic"/> align with its start.
/// Either way the result holds only the generated frames.
/// </remarks>
public sealed class GenerationRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="semantic">Semantic tokens, one per frame (0 ≤ id &lt; K).</param>
    /// <param name="promptAcoustic">Optional prompt codec tokens [Tp, Q] (0 ≤ id &lt; V); never changed by generation.</param>
    /// <param name="promptSemantic">Optional prompt semantic tokens [Tp]; see the remarks.</param>
    /// <param name="seed">Optional seed for this request alone.</param>
    public GenerationRequest(long[] semantic, long[,]? promptAcoustic = null, long[]? promptSemantic = null, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(semantic);
        Semantic = semantic;
        PromptAcoustic = promptAcoustic;
        PromptSemantic = promptSemantic;
        Seed = seed;
    }

    /// <summary>Semantic tokens (see the remarks for how they align with the prompt).</summary>
    public long[] Semantic { get; }

    /// <summary>Prompt codec tokens [Tp, Q], or null for no prompt.</summary>
    public long[,]? PromptAcoustic { get; }

    /// <summary>Prompt semantic tokens [Tp], or null.</summary>
    public long[]? PromptSemantic { get; }

    /// <summary>This request's seed, or null to derive one from <see cref="GenerationOptions.Seed"/>.</summary>
    public ulong? Seed { get; }
}
