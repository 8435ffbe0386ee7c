namespace SoundStorm.Cli;

/// <summary>A user error the tool reports as one line on stderr with exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>Turns expected failures (bad input files, bad options) into one clear line instead of a stack trace.</summary>
internal static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    // Library exceptions that describe bad input; anything else is a bug and keeps its stack trace.
    internal static bool IsUserError(Exception e) => e is CliException or ArgumentException or FileNotFoundException or DirectoryNotFoundException
        or IOException or InvalidDataException or Onnx.IO.NpyFormatException or Export.Checkpoints.CheckpointFormatException
        or Export.Weights.WeightMismatchException or Export.Onnx.OnnxFormatException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException
        || e.GetType().Name.EndsWith("FormatException", StringComparison.Ordinal) || e.GetType().Name.EndsWith("PackageException", StringComparison.Ordinal);
}
