namespace Cluster;

/// <summary>Speech to resynthesize, in a voice, with a seed: mono samples at their own rate (the silo resamples).</summary>
[GenerateSerializer, Immutable]
public sealed class ResynthesisRequest
{
    /// <summary>What is said: mono samples.</summary>
    [Id(0)] public required float[] Source { get; init; }

    /// <summary>Sample rate of <see cref="Source"/>.</summary>
    [Id(1)] public required int SourceSampleRate { get; init; }

    /// <summary>Whose voice: mono samples (the model uses its start), or null for the model's choice.</summary>
    [Id(2)] public float[]? Prompt { get; init; }

    /// <summary>Sample rate of <see cref="Prompt"/>.</summary>
    [Id(3)] public int PromptSampleRate { get; init; }

    /// <summary>The sampling seed: the same request and seed give the same audio on any silo.</summary>
    [Id(4)] public ulong Seed { get; init; }
}
