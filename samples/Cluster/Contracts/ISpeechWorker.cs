namespace Cluster;

/// <summary>
/// Speech generation served by any silo. Every call carries everything its output depends on (audio or tokens, and
/// the seed), so the same request gives the same audio on whichever silo runs it, and a failed call can simply be sent
/// again. Audio comes back window by window as it is generated.
/// </summary>
/// <remarks>
/// Give every call a fresh key (<see cref="Guid.NewGuid"/>): the client routes calls by key, so fresh keys spread the
/// work over the silos, and the one activation a key gets holds its enumeration from the first window to the last.
/// </remarks>
public interface ISpeechWorker : IGrainWithGuidKey
{
    /// <summary>Says what the source says in the prompt's voice (or the model's choice of voice).</summary>
    /// <exception cref="SiloBusyException">The silo's queue is full: send the call again with another key.</exception>
    /// <exception cref="ArgumentException">The audio is too short or not finite (sending it again will not help).</exception>
    IAsyncEnumerable<AudioPiece> Resynthesize(ResynthesisRequest request);

    /// <summary>Audio of semantic tokens (and optional prompt tokens), e.g. from a text-to-semantic model.</summary>
    /// <exception cref="SiloBusyException">The silo's queue is full: send the call again with another key.</exception>
    /// <exception cref="ArgumentException">A token is out of range or the prompt does not fit (sending it again will not help).</exception>
    IAsyncEnumerable<AudioPiece> Generate(TokenRequest request);
}
