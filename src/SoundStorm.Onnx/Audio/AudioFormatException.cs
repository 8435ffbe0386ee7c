
namespace SoundStorm.Onnx;

/// <summary>
/// Thrown when audio bytes cannot be decoded: the message names the source, the field that is wrong,
/// what was expected and what was found.
/// </summary>
public sealed class AudioFormatException : Exception
{
    /// <summary>Creates an exception from its parts; the message is composed from them.</summary>
    /// <param name="sourceName">File path or stream description the bytes came from.</param>
    /// <param name="field">The header field or chunk that is wrong (e.g. <c>fmt.BlockAlign</c>).</param>
    /// <param name="expected">What a valid file would contain there.</param>
    /// <param name="found">What this file contains there.</param>
    public AudioFormatException(string sourceName, string field, string expected, string found)
        : base($"{sourceName}: invalid WAV field '{field}': expected {expected}, found {found}.")
    {
        SourceName = sourceName;
        Field = field;
        Expected = expected;
        Found = found;
    }

    /// <summary>File path or stream description the bytes came from.</summary>
    public string SourceName { get; }

    /// <summary>The header field or chunk that is wrong.</summary>
    public string Field { get; }

    /// <summary>What a valid file would contain in <see cref="Field"/>.</summary>
    public string Expected { get; }

    /// <summary>What this file contains in <see cref="Field"/>.</summary>
    public string Found { get; }
}
