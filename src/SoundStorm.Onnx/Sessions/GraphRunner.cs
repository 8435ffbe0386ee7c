using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Onnx.Sessions;

/// <summary>One graph call with pre-allocated outputs whose cancellation token reaches into the running graph.</summary>
internal static class GraphRunner
{
    public static void Run(InferenceSession session, string[] inputNames, OrtValue[] inputs, string[] outputNames, OrtValue[] outputs,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions)
            : default;
        try
        {
            session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        catch (OnnxRuntimeException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Cancelled while a graph was running.", e, cancellationToken);
        }
    }
}
