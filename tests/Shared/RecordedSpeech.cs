namespace SoundStorm.Tests.Shared;

/// <summary>
/// Real recorded speech from Debian's pocketsphinx-testdata (LibriVox, 16 kHz mono 16-bit), installed by
/// .ci/install-test-tools. Absent files skip a test's speech checks, unless SOUNDSTORM_REQUIRE_TEST_TOOLS=1 (CI).
/// </summary>
public static class RecordedSpeech
{
    public const string Folder = "/usr/share/pocketsphinx/test/data/librivox";

    /// <summary>The path of utterance <paramref name="id"/> (e.g. "0880"), or null when the package is not installed.</summary>
    public static string? Find(string id)
    {
        string path = Path.Combine(Folder, $"sense_and_sensibility_01_austen_64kb-{id}.wav");
        if (System.IO.File.Exists(path)) return path;
        Assert.False(Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") == "1", $"{path} missing: apt-get install pocketsphinx-testdata");
        return null;
    }

    /// <summary>
    /// <paramref name="seconds"/> of 16 kHz speech: the utterances <paramref name="ids"/> one after another, repeated as
    /// often as needed (long inputs for chunking and windowing tests); null when the package is not installed.
    /// </summary>
    public static float[]? Looped(int seconds, params string[] ids)
    {
        var utterances = new List<float[]>();
        foreach (string id in ids)
        {
            if (Find(id) is not { } path) return null;
            utterances.Add(AudioClip.ReadWav(path).ToMono());
        }
        float[] once = [.. utterances.SelectMany(u => u)];
        return Enumerable.Repeat(once, seconds * 16000 / once.Length + 1).SelectMany(u => u).Take(seconds * 16000).ToArray();
    }
}
