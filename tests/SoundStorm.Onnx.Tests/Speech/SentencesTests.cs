using SoundStorm.Onnx.Speech;

namespace SoundStorm.Onnx.Tests.Speech;

/// <summary>Where streamed speech cuts a text: sentence ends, not decimal points, abbreviations or initials.</summary>
public sealed class SentencesTests
{
    [Theory]
    [InlineData("One. Two! Three?", new[] { "One.", "Two!", "Three?" })]
    [InlineData("It costs 3.50 today. Fine.", new[] { "It costs 3.50 today.", "Fine." })]
    [InlineData("Dr. Smith met J. Doe. Then he left.", new[] { "Dr. Smith met J. Doe.", "Then he left." })]
    [InlineData("She said \"stop.\" He did.", new[] { "She said \"stop.\"", "He did." })]
    [InlineData("no end at all", new[] { "no end at all" })]
    [InlineData("  ", new string[0])]
    public void Splits_at_sentence_ends(string text, string[] expected) => Assert.Equal(expected, Sentences.Split(text));
}
