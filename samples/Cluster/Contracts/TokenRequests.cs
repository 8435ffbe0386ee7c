using SoundStorm.Onnx;

namespace Cluster;

/// <summary>Converts between the wire form of token requests (flat arrays) and the library's <see cref="GenerationRequest"/>.</summary>
public static class TokenRequests
{
    /// <summary>The wire form of a library request (a seed is required on the wire: null becomes 0).</summary>
    public static TokenRequest FromGenerationRequest(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CodeGrid? prompt = request.PromptAcoustic;
        return new TokenRequest
        {
            Semantic = request.Semantic,
            PromptSemantic = request.PromptSemantic,
            PromptAcoustic = prompt?.AsSpan().ToArray(),
            Codebooks = prompt?.Codebooks ?? 0,
            Seed = request.Seed ?? 0,
        };
    }

    /// <summary>The library request of a wire request.</summary>
    /// <exception cref="ArgumentException">The prompt's arrays do not fit together (the message says how).</exception>
    public static GenerationRequest ToGenerationRequest(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Semantic, nameof(request.Semantic));
        if (request.PromptAcoustic is not { } flat) return new GenerationRequest(request.Semantic, seed: request.Seed);
        if (request.Codebooks < 1 || flat.Length % request.Codebooks != 0)
            throw new ArgumentException($"PromptAcoustic holds {flat.Length} tokens, which is not a whole number of frames of Codebooks = {request.Codebooks}.", nameof(request));
        int frames = flat.Length / request.Codebooks;
        if (request.PromptSemantic is { } ps && ps.Length != frames)
            throw new ArgumentException($"PromptSemantic has {ps.Length} tokens but PromptAcoustic has {frames} frames: one semantic token per prompt frame.", nameof(request));
        return new GenerationRequest(request.Semantic, new CodeGrid(flat, request.Codebooks), request.PromptSemantic, request.Seed);
    }
}
