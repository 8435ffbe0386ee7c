using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary>Checks the files verbs read, so a missing file and a folder are each reported as what they are, naming the option.</summary>
internal static class InputFiles
{
    /// <summary>The full path of an existing file given as <paramref name="option"/>.</summary>
    /// <exception cref="CliException">Nothing is there, or a folder is.</exception>
    public static string Require(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CliException($"{option} '{full}' is a folder, not a file.");
        if (!File.Exists(full)) throw new CliException($"{option} '{full}' does not exist.");
        return full;
    }

    /// <summary>
    /// Reads the WAV file given as <paramref name="option"/>. A file that holds fewer frames than its header declares
    /// (an interrupted recording or copy) is read as far as it goes, with one <c>warning:</c> line on stderr naming both
    /// lengths.
    /// </summary>
    public static AudioClip ReadAudio(string path, string option)
    {
        var clip = AudioClip.ReadWav(Require(path, option), out string? truncation);
        if (truncation is not null)
            Console.Error.WriteLine(FormattableString.Invariant($"warning: {path}: {truncation}; reading the {clip.Duration.TotalSeconds:0.00} s present."));
        return clip;
    }
}
