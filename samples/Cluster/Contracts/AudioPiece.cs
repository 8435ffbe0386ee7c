namespace Cluster;

/// <summary>One generated window's new audio; the pieces of a call, in order, make its whole output.</summary>
[GenerateSerializer, Immutable]
public sealed class AudioPiece
{
    /// <summary>0 for the first window, then 1, 2, …</summary>
    [Id(0)] public required int Index { get; init; }

    /// <summary>Mono samples.</summary>
    [Id(1)] public required float[] Samples { get; init; }

    /// <summary>Sample rate of <see cref="Samples"/> (the model's).</summary>
    [Id(2)] public required int SampleRate { get; init; }

    /// <summary>The silo that made it (host:port), for logs and tests.</summary>
    [Id(3)] public required string Silo { get; init; }
}
