namespace Cluster;

/// <summary>
/// A silo refused a call because as many calls as it runs at once are running and its queue is full. Nothing was
/// started: the caller sends the call again, with another key, so that it can land on another silo.
/// </summary>
[GenerateSerializer]
public sealed class SiloBusyException : Exception
{
    /// <summary>Creates the exception for a silo and its limits.</summary>
    public SiloBusyException(string silo, int running, int queueLimit)
        : base($"silo {silo} is busy: its {running} running slot(s) are taken and its queue of {queueLimit} is full; send the call to another silo.")
    {
        Silo = silo;
        Running = running;
        QueueLimit = queueLimit;
    }

    /// <summary>The silo that refused (host:port).</summary>
    [Id(0)] public string Silo { get; private set; }

    /// <summary>How many calls it runs at once.</summary>
    [Id(1)] public int Running { get; private set; }

    /// <summary>How many more may wait.</summary>
    [Id(2)] public int QueueLimit { get; private set; }
}
