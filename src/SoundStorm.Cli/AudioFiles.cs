using SoundStorm.Onnx.Audio;

namespace SoundStorm.Cli;

/// <summary>Reads the WAV files verbs take, with a clear error for a missing one and a warning for a truncated one.</summary>
internal static class AudioFiles
{
    /// <summary>
    /// Reads <paramref name="path"/>. A file that holds fewer frames than its header declares (an interrupted recording
    /// or copy) is read as far as it goes, with one <c>warning:</c> line on stderr naming both lengths.
    /// </summary>
    public static AudioClip Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"Audio file '{Path.GetFullPath(path)}' does not exist.");
        var clip = WavReader.Read(path, out var format);
        if (format.Truncation is { } truncation)
            Console.Error.WriteLine(FormattableString.Invariant($"warning: {path}: {truncation}; reading the {clip.Duration.TotalSeconds:0.00} s present."));
        return clip;
    }
}
