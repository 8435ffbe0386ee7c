namespace SoundStorm.Onnx.Text;

/// <summary>
/// Turns written text in one language into the phone sequence a text-to-speech model reads. Implementations are
/// thread-safe. <see cref="EnglishTextFrontEnd"/> is the English one.
/// </summary>
internal interface ITextFrontEnd
{
    /// <summary>The language read, as a BCP 47 tag ("en").</summary>
    string Language { get; }

    /// <summary>The words and phones of <paramref name="text"/>, pauses as silences.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text is too long or has nothing to say.</exception>
    PhoneSequence Analyze(string text);

    /// <summary>The phone symbols of <paramref name="text"/> (<see cref="Analyze"/>'s <see cref="PhoneSequence.Phones"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text is too long or has nothing to say.</exception>
    IReadOnlyList<string> ToPhones(string text);
}
