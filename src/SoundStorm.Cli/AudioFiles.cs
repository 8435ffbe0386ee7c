using SoundStorm.Onnx.Audio;

namespace SoundStorm.Cli;

/// <summary>Reads the WAV files verbs take, with a clear error for a missing one.</summary>
internal static class AudioFiles
{
    public static AudioClip Read(string path) =>
        File.Exists(path) ? WavReader.Read(path) : throw new CliException($"Audio file '{Path.GetFullPath(path)}' does not exist.");
}
