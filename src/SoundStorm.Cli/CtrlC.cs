namespace SoundStorm.Cli;

/// <summary>
/// Turns Ctrl+C (SIGINT) into cancellation for a verb that can stop cleanly: while the scope lives, the first Ctrl+C
/// cancels <see cref="Token"/> instead of ending the process, so the running graph is terminated, temporary files are
/// removed and no output is written. A second Ctrl+C ends the process at once, as usual.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source;

    /// <summary>Starts listening; <paramref name="outer"/> (the invocation's token) cancels as well.</summary>
    public CtrlC(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Cancelled by Ctrl+C or by the invocation's token.</summary>
    public CancellationToken Token => _source.Token;

    /// <inheritdoc/>
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return;
        e.Cancel = true;
        _source.Cancel();
    }
}
