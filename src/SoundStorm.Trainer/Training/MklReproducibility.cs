using System.Runtime.InteropServices;

namespace SoundStorm.Trainer.Training;

/// <summary>
/// Turns on MKL's conditional numerical reproducibility (<c>MKL_CBWR=AUTO,STRICT</c>) for the libtorch in this
/// process. Without it MKL picks its summation order from the buffers' memory alignment, so two identical training
/// runs (or a run and its resumption) drift apart in the last bits after a step or two — seen on AMD EPYC hosts, where
/// about one run in three differed. STRICT makes the order independent of alignment at a cost of a few per cent.
/// </summary>
internal static partial class MklReproducibility
{
    /// <summary>The environment variable MKL reads once, when it first runs.</summary>
    public const string Variable = "MKL_CBWR";

    /// <summary>The setting applied when the user has not chosen one.</summary>
    public const string Setting = "AUTO,STRICT";

    /// <summary>
    /// Sets <see cref="Variable"/> in the native environment unless it is already set. Must run before the first
    /// TorchSharp call: MKL reads it once. .NET's own <see cref="Environment.SetEnvironmentVariable(string, string)"/>
    /// does not reach native <c>getenv</c> on Unix, hence libc's <c>setenv</c>; on Windows the variable must be set
    /// before the process starts.
    /// </summary>
    /// <returns>The value in effect for this process (null when it could not be set).</returns>
    public static string? Enable()
    {
        string? chosen = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(chosen)) return chosen;
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            if (SetEnv(Variable, Setting, overwrite: 0) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // a libc under another name: MKL keeps its default (and libtorch there may not use MKL at all)
        }
        Environment.SetEnvironmentVariable(Variable, Setting); // keep .NET's view in step with the native one
        return Setting;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
