using SoundStorm.Onnx.Text;

namespace SoundStorm.Onnx.Tests.Text;

/// <summary>
/// cmudict-en-us.dict from the Debian package pocketsphinx-en-us (the dictionary the training alignments used), loaded
/// once for all Text tests. Tests that need it skip with the reason when it is absent, unless
/// SOUNDSTORM_REQUIRE_TEST_TOOLS=1 (CI installs it), where they run and fail.
/// </summary>
internal static class Cmudict
{
    public const string Path = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

    private static readonly Lazy<PronunciationLexicon> lexicon = new(() => PronunciationLexicon.Load(Path));
    private static readonly Lazy<EnglishTextFrontEnd> frontEnd = new(() => new EnglishTextFrontEnd(Lexicon));

    public static PronunciationLexicon Lexicon => lexicon.Value;

    public static EnglishTextFrontEnd FrontEnd => frontEnd.Value;

    public static string? SkipReason =>
        File.Exists(Path) || Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") == "1"
            ? null
            : $"{Path} is absent: install the Debian package 'pocketsphinx-en-us' (apt-get install -y pocketsphinx-en-us) to run this test.";
}

/// <summary>A fact that needs <see cref="Cmudict"/>.</summary>
public sealed class CmudictFactAttribute : FactAttribute
{
    public CmudictFactAttribute() => Skip = Cmudict.SkipReason;
}

/// <summary>A theory that needs <see cref="Cmudict"/>.</summary>
public sealed class CmudictTheoryAttribute : TheoryAttribute
{
    public CmudictTheoryAttribute() => Skip = Cmudict.SkipReason;
}
