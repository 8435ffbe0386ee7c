namespace SoundStorm.Onnx.Text;

/// <summary>
/// The pronunciation dictionary carried inside this library: CMUdict (cmudict-en-us, as pocketsphinx-en-us
/// distributes it; BSD-2-clause, © Carnegie Mellon University and Alpha Cephei Inc., notice in
/// cmudict-en-us.LICENSE.txt of the package), the dictionary the default model's phone labels were aligned with.
/// Read once, on first use.
/// </summary>
internal static class EmbeddedLexicon
{
    private const string ResourceName = "SoundStorm.Onnx.Text.cmudict-en-us.dict.gz";

    private static readonly Lazy<PronunciationLexicon> Dictionary = new(Load);

    private static readonly Lazy<EnglishTextFrontEnd> English = new(() => new EnglishTextFrontEnd(Dictionary.Value));

    /// <summary>CMUdict (US English, 39 ARPAbet phones).</summary>
    public static PronunciationLexicon CmuDict => Dictionary.Value;

    /// <summary>An English front end over <see cref="CmuDict"/> (shared; it is immutable).</summary>
    public static EnglishTextFrontEnd EnglishFrontEnd => English.Value;

    private static PronunciationLexicon Load()
    {
        using var stream = typeof(EmbeddedLexicon).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The library lacks its embedded resource {ResourceName}.");
        return PronunciationLexicon.Load(stream);
    }
}
