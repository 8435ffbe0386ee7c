namespace SoundStorm.Trainer.Data;

/// <summary>A token dataset does not have the documented layout; the message names the file and what was expected.</summary>
internal sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public DatasetFormatException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner) => File = file;

    /// <summary>The offending file or folder.</summary>
    public string File { get; }
}
