namespace Cluster;

/// <summary>The whole output of one call: the pieces joined, and how it went.</summary>
/// <param name="Samples">Mono samples, every piece in order.</param>
/// <param name="SampleRate">Their rate.</param>
/// <param name="Silo">The silo that answered.</param>
/// <param name="Attempts">Attempts made, this one included.</param>
/// <param name="Failures">Why each earlier attempt failed (exception type names), in order.</param>
public sealed record CallResult(float[] Samples, int SampleRate, string Silo, int Attempts, IReadOnlyList<string> Failures);

/// <summary>
/// Sends calls to the cluster and sends them again when a silo refuses (<see cref="SiloBusyException"/>) or is lost
/// mid-call (its process died, its connection dropped): each attempt uses a fresh key, so it can land on another
/// silo, and the pieces of a failed attempt are thrown away, so a result is always one attempt's complete output.
/// Requests carry their seeds, so which silo answers does not change the audio. A busy cluster is waited for, not
/// given up on: attempts go on for <c>retryFor</c> (default 10 minutes), backing off to one a second.
/// </summary>
public sealed class RetryingSpeechClient(IGrainFactory grains, TimeSpan? retryFor = null)
{
    private readonly TimeSpan _retryFor = retryFor ?? TimeSpan.FromMinutes(10);

    /// <summary>Resynthesizes, retrying on busy or lost silos.</summary>
    /// <exception cref="ArgumentException">The silo found the audio unusable (not retried).</exception>
    /// <exception cref="ClusterCallFailedException">Every attempt failed on busy or lost silos.</exception>
    public Task<CallResult> ResynthesizeAsync(ResynthesisRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(worker => worker.Resynthesize(request), cancellationToken);

    /// <summary>Generates audio of tokens, retrying on busy or lost silos.</summary>
    /// <exception cref="ArgumentException">The silo found the tokens unusable (not retried).</exception>
    /// <exception cref="ClusterCallFailedException">Every attempt failed on busy or lost silos.</exception>
    public Task<CallResult> GenerateAsync(TokenRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(worker => worker.Generate(request), cancellationToken);

    private async Task<CallResult> CallAsync(Func<ISpeechWorker, IAsyncEnumerable<AudioPiece>> call, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await CollectAsync(call(grains.GetGrain<ISpeechWorker>(Guid.NewGuid())), failures, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsWorthRetrying(e) && !cancellationToken.IsCancellationRequested)
            {
                failures.Add(e.GetType().Name);
                if (clock.Elapsed >= _retryFor) throw new ClusterCallFailedException(attempt, e);
                // Back off a little more each time (25 ms … 1 s), so a full cluster gets room to drain.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 25 << Math.Min(attempt, 6))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<CallResult> CollectAsync(IAsyncEnumerable<AudioPiece> pieces, List<string> failures, CancellationToken cancellationToken)
    {
        var samples = new List<float>();
        int rate = 0, expected = 0;
        string silo = "";
        await foreach (var piece in pieces.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (piece.Index != expected++)
                throw new InvalidOperationException($"piece {piece.Index} arrived where piece {expected - 1} was expected");
            samples.AddRange(piece.Samples);
            (rate, silo) = (piece.SampleRate, piece.Silo);
        }
        return new CallResult([.. samples], rate, silo, failures.Count + 1, failures);
    }

    // Busy and lost silos are worth another attempt; a request the model cannot use is not.
    internal static bool IsWorthRetrying(Exception e) => e switch
    {
        SiloBusyException => true,
        ArgumentException => false,
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException => true,
        // The activation that held the stream is gone (its silo died or restarted it): the stream cannot go on.
        EnumerationAbortedException => true,
        OrleansException => true,
        _ => e.InnerException is { } inner && IsWorthRetrying(inner),
    };
}

/// <summary>A call that failed on every attempt, for as long as the client retries, because silos were busy or lost; the last failure is the inner exception.</summary>
public sealed class ClusterCallFailedException(int attempts, Exception last)
    : Exception($"the call failed on {attempts} attempts; the last: {last.Message}", last)
{
    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; } = attempts;
}
