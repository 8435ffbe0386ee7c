using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Onnx.Sessions;

/// <summary>One graph call: the session and its bound input and output values, pre-allocated by the caller.</summary>
internal readonly record struct GraphCall(InferenceSession Session, string[] InputNames, OrtValue[] Inputs, string[] OutputNames, OrtValue[] Outputs);

/// <summary>Graph calls whose cancellation token reaches into the running graph.</summary>
internal static class GraphRunner
{
    /// <summary>One call with its own <see cref="RunOptions"/>; refuses to start when already cancelled.</summary>
    public static void Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, OrtValue[] outputs,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        Run(runOptions, [new GraphCall(session, inputNames, inputs, outputNames, outputs)], cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="calls"/> in order under <paramref name="runOptions"/> (reused across a run's steps, so a step
    /// allocates nothing). Terminate is how ONNX Runtime stops a graph mid-run: the token sets it, and once set these
    /// options stay terminated.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before or while a graph ran.</exception>
    public static void Run(RunOptions runOptions, ReadOnlySpan<GraphCall> calls, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions)
            : default;
        try
        {
            foreach (var call in calls) call.Session.Run(runOptions, call.InputNames, call.Inputs, call.OutputNames, call.Outputs);
        }
        catch (OnnxRuntimeException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Cancelled while a graph was running.", e, cancellationToken);
        }
    }
}
