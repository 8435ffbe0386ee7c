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
}
