namespace SoundStorm.Onnx.Sessions;

/// <summary>
/// Live counts of the native objects one logits source owns (its sessions and its workspaces' OrtValues), so leak
/// tests can count handles instead of guessing from memory. One instance per source: no process-wide state.
/// </summary>
internal sealed class NativeResources
{
    private long _ortValues, _sessions;

    /// <summary>OrtValues owned by the source's live generation workspaces.</summary>
    public long OrtValues => Interlocked.Read(ref _ortValues);

    /// <summary>InferenceSessions the source holds open.</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    public void OrtValueCreated() => Interlocked.Increment(ref _ortValues);
    public void OrtValueReleased() => Interlocked.Decrement(ref _ortValues);
    public void SessionsCreated(int count) => Interlocked.Add(ref _sessions, count);
    public void SessionsReleased(int count) => Interlocked.Add(ref _sessions, -count);
}
