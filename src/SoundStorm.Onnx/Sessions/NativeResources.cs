namespace SoundStorm.Onnx.Sessions;

/// <summary>Live counts of the native objects the generator creates, so leak tests can count handles instead of guessing from memory.</summary>
internal static class NativeResources
{
    private static long _ortValues, _sessions;

    /// <summary>OrtValues owned by live generation workspaces.</summary>
    public static long OrtValues => Interlocked.Read(ref _ortValues);

    /// <summary>InferenceSessions owned by live logits sources.</summary>
    public static long Sessions => Interlocked.Read(ref _sessions);

    public static void OrtValueCreated() => Interlocked.Increment(ref _ortValues);
    public static void OrtValueReleased() => Interlocked.Decrement(ref _ortValues);
    public static void SessionsCreated(int count) => Interlocked.Add(ref _sessions, count);
    public static void SessionsReleased(int count) => Interlocked.Add(ref _sessions, -count);
}
