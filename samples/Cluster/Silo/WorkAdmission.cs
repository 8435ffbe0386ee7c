namespace Cluster;

/// <summary>
/// The silo's back-pressure: at most <c>running</c> calls generate at once (about one per core: each call keeps a
/// core busy), at most <c>queueLimit</c> more wait, and a call past that is refused at once with
/// <see cref="SiloBusyException"/> instead of piling up where no other silo can take it.
/// </summary>
public sealed class WorkAdmission : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly string _silo;
    private int _admitted;
    private long _refused;

    /// <summary>Creates the limits for the silo named <paramref name="silo"/> (used in the refusal's message).</summary>
    public WorkAdmission(string silo, int running, int queueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(running, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        _silo = silo;
        Running = running;
        QueueLimit = queueLimit;
        _slots = new SemaphoreSlim(running, running);
    }

    /// <summary>Calls that run at once.</summary>
    public int Running { get; }

    /// <summary>Calls that may wait for a slot.</summary>
    public int QueueLimit { get; }

    /// <summary>Calls running or waiting now.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Calls refused since the silo started (a sign that the cluster needs more silos).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Waits for a slot; dispose the result to free it.</summary>
    /// <exception cref="SiloBusyException">Every slot is taken and the queue is full.</exception>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _admitted) > Running + QueueLimit)
        {
            Interlocked.Decrement(ref _admitted);
            Interlocked.Increment(ref _refused);
            throw new SiloBusyException(_silo, Running, QueueLimit);
        }
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }
        return new Slot(this);
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(WorkAdmission owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            owner._slots.Release();
            Interlocked.Decrement(ref owner._admitted);
        }
    }
}
