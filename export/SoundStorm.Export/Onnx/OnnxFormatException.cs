namespace SoundStorm.Export.Onnx;

/// <summary>An ONNX file or message is malformed or uses something this reader does not support.</summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public OnnxFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public OnnxFormatException(string message, Exception inner) : base(message, inner) { }
}
