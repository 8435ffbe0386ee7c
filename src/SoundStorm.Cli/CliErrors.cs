using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary>A user error the tool reports as one line on stderr with exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>Turns expected failures (bad input files, bad options) into one clear line instead of a stack trace.</summary>
internal static class CliErrors
{
    /// <summary>The exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {MessageOf(e)}");
            return 2;
        }
    }

    /// <summary>Runs a verb that stops cleanly on Ctrl+C or <paramref name="cancellationToken"/>: exit code 130, nothing written.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The verb's body comes last so that the lambda reads as a block at every call site.")]
    public static async Task<int> GuardAsync(CancellationToken cancellationToken, Func<CancellationToken, Task<int>> action)
    {
        using var ctrlC = new CtrlC(cancellationToken);
        try
        {
            return await action(ctrlC.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (ctrlC.Token.IsCancellationRequested && e is OperationCanceledException or AggregateException)
        {
            Console.Error.WriteLine("cancelled; no output written.");
            return Cancelled;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {MessageOf(e)}");
            return 2;
        }
    }

    /// <summary>The message without the "(Parameter 'x')" that ArgumentException appends: the name is the library's, not an option the user typed.</summary>
    internal static string MessageOf(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    // Library exceptions that describe bad input; anything else is a bug and keeps its stack trace.
    internal static bool IsUserError(Exception e) => e is CliException or ArgumentException or FileNotFoundException or DirectoryNotFoundException
        or IOException or InvalidDataException or Export.NumPy.NpyFormatException or Export.Checkpoints.CheckpointFormatException
        or Export.Weights.WeightMismatchException or Export.Onnx.OnnxFormatException or Export.Codec.HifiCodecConfigException
        or System.Text.Json.JsonException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ExecutionProviderUnavailableException
        || e.GetType().Name.EndsWith("FormatException", StringComparison.Ordinal) || e.GetType().Name.EndsWith("PackageException", StringComparison.Ordinal);
}
