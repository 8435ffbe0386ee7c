
namespace SoundStorm.Onnx;

/// <summary>A model package is incomplete, inconsistent or does not match its graphs. Names file, field, expected and found.</summary>
public sealed class ModelPackageException : Exception
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    /// <param name="file">The file at fault (manifest.json, a graph file, the zip).</param>
    /// <param name="field">The manifest field or graph property at fault.</param>
    /// <param name="expected">What a valid package has there.</param>
    /// <param name="found">What this package has there.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelPackageException(string file, string field, string expected, string found, Exception? inner = null)
        : base($"Model package file '{file}', {field}: expected {expected}, found {found}.", inner)
    {
        File = file;
        Field = field;
        Expected = expected;
        Found = found;
    }

    /// <summary>The file at fault.</summary>
    public string File { get; }

    /// <summary>The field at fault.</summary>
    public string Field { get; }

    /// <summary>What was expected.</summary>
    public string Expected { get; }

    /// <summary>What was found.</summary>
    public string Found { get; }
}
