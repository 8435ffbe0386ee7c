namespace Cluster;

/// <summary>
/// Tokens to turn into audio: semantic tokens of the frames to generate and, for a voice prompt, the prompt's codec
/// tokens (row-major [frames, codebooks]) with its semantic tokens.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class TokenRequest
{
    /// <summary>Semantic tokens of the frames to generate.</summary>
    [Id(0)] public required long[] Semantic { get; init; }

    /// <summary>Prompt codec tokens, row-major [frames, <see cref="Codebooks"/>], or null for no prompt.</summary>
    [Id(1)] public long[]? PromptAcoustic { get; init; }

    /// <summary>Codebooks per prompt frame (the model's Q); needed with <see cref="PromptAcoustic"/>.</summary>
    [Id(2)] public int Codebooks { get; init; }

    /// <summary>Prompt semantic tokens, one per prompt frame; needed with <see cref="PromptAcoustic"/>.</summary>
    [Id(3)] public long[]? PromptSemantic { get; init; }

    /// <summary>The sampling seed: the same request and seed give the same audio on any silo.</summary>
    [Id(4)] public ulong Seed { get; init; }
}
