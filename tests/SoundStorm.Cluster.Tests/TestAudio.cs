
namespace SoundStorm.Cluster.Tests;

/// <summary>The repository's default model and short pieces of the repository's sample speech, so nothing is fetched or built.</summary>
internal static class TestAudio
{
    public static string Root { get; } = FindRoot();

    /// <summary>models/default: the package every silo of these tests loads.</summary>
    public static string Package => Path.Combine(Root, "models", "default");

    /// <summary>Sample speech (16 kHz mono, about 3.3 s).</summary>
    public static AudioClip Speech { get; } = AudioClip.ReadWav(Path.Combine(Root, "samples", "audio", "allison-en-new-extension.wav"));

    /// <summary>Another voice, for prompts.</summary>
    public static AudioClip Voice { get; } = AudioClip.ReadWav(Path.Combine(Root, "samples", "audio", "carlo-it-prompt.wav"));

    /// <summary>Piece <paramref name="index"/> (mod 3) of <see cref="Speech"/>, one second long: three different clips.</summary>
    public static AudioClip Piece(int index, double seconds = 1)
    {
        int length = (int)(seconds * Speech.SampleRate), start = index % 3 * Speech.SampleRate;
        return new AudioClip(Speech.ToMono()[start..(start + length)], Speech.SampleRate);
    }

    /// <summary>Writes <paramref name="count"/> one-second WAV files (clip00.wav, …) into <paramref name="folder"/>.</summary>
    public static void WriteFolder(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        for (int i = 0; i < count; i++) Piece(i).WriteWav(Path.Combine(folder, $"clip{i:00}.wav"));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (with SoundStorm.Onnx.sln) is not above the test's folder");
    }
}
