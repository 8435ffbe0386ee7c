namespace SoundStorm.Onnx.Sessions;

/// <summary>
/// Makes disposal of something that owns native sessions safe under concurrent use: calls enter and leave around
/// each native call; <see cref="CloseAndWait"/> refuses new calls (<see cref="ObjectDisposedException"/>) and waits for
/// the ones in flight to leave, so a session is never released while ONNX Runtime is running it.
/// </summary>
internal sealed class UsageGuard(string owner)
{
    private readonly object _gate = new();
    private int _active;
    private bool _closed;

    /// <summary>True once <see cref="CloseAndWait"/> has been called.</summary>
    public bool IsClosed
    {
        get { lock (_gate) return _closed; }
    }

    /// <summary>Registers a call; dispose the result when it ends.</summary>
    /// <exception cref="ObjectDisposedException">The owner has been disposed.</exception>
    public Lease Enter()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, owner);
            _active++;
        }
        return new Lease(this);
    }

    /// <summary>Refuses new calls and blocks until every call in flight has left. Idempotent.</summary>
    public void CloseAndWait()
    {
        lock (_gate)
        {
            _closed = true;
            while (_active > 0) Monitor.Wait(_gate);
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            if (--_active == 0) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>One registered call.</summary>
    public readonly struct Lease(UsageGuard guard) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => guard?.Leave();
    }
}
