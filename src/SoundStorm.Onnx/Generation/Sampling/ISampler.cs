using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Generation.Sampling;

/// <summary>
/// One way of turning network calls into tokens (MaskGIT level by level, or discrete diffusion). It owns the state
/// between calls; the token grid itself lives in the <see cref="ILogitsWorkspace"/> the network reads.
/// </summary>
internal interface ISampler
{
    /// <summary>Network calls the whole run makes.</summary>
    int TotalSteps { get; }

    /// <summary>Network calls made so far.</summary>
    int CompletedSteps { get; }

    /// <summary>Makes one network call and updates the grid.</summary>
    GenerationProgress Step(CancellationToken cancellationToken);
}
