namespace SoundStorm.Export.NumPy;

/// <summary>A <c>.npy</c> file is malformed or uses a feature this reader does not support.</summary>
public sealed class NpyFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the problem.</summary>
    public NpyFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public NpyFormatException(string message, Exception inner) : base(message, inner) { }
}
