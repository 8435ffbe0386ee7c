namespace SoundStorm.Cli;

/// <summary>
/// Checks an output path before any work is done: the writers put their bytes in a temporary file beside the output,
/// so a missing folder would otherwise be reported (late) under the temporary file's name.
/// </summary>
internal static class OutputFiles
{
    /// <summary>The full path of a file to be written as <paramref name="option"/>.</summary>
    /// <exception cref="CliException">The path is a folder, or its folder does not exist.</exception>
    public static string Check(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CliException($"{option} '{full}' is a folder; give a file name.");
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new CliException($"{option} '{full}': the folder '{folder}' does not exist.");
        return full;
    }
}
