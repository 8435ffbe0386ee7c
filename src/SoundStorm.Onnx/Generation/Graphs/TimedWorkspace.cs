using System.Diagnostics;

namespace SoundStorm.Onnx.Generation.Graphs;

/// <summary>
/// Passes every call through to the network's workspace, registered with the generator's <see cref="Sessions.UsageGuard"/>
/// (so disposing the generator waits for the call instead of freeing a running session) and timed, so a run can report
/// how much of its wall time the sampler loop itself costs (two timestamps per step; no allocation).
/// </summary>
internal sealed class TimedWorkspace(ILogitsWorkspace inner, Sessions.UsageGuard? guard = null) : ForwardingWorkspace(inner)
{
    private long _ticks;

    /// <summary>Time spent in network calls so far.</summary>
    public TimeSpan NetworkTime => Stopwatch.GetElapsedTime(0, _ticks);

    public override void Run(long condition, CancellationToken cancellationToken)
    {
        using var lease = guard?.Enter() ?? default;
        long start = Stopwatch.GetTimestamp();
        try
        {
            Inner.Run(condition, cancellationToken);
        }
        finally
        {
            _ticks += Stopwatch.GetTimestamp() - start;
        }
    }
}
