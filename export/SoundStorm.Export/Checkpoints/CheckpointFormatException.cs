namespace SoundStorm.Export.Checkpoints;

/// <summary>A checkpoint file (safetensors or PyTorch) is malformed, truncated or uses something this reader does not support.</summary>
public class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file, the field and what was expected.</summary>
    /// <param name="message">The description of the problem.</param>
    public CheckpointFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the underlying cause.</summary>
    /// <param name="message">The description of the problem.</param>
    /// <param name="inner">The underlying exception.</param>
    public CheckpointFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A PyTorch checkpoint's pickle references a global (a class or function) outside the reader's allow-list.
/// Loading it with Python's unrestricted unpickler could run arbitrary code, so it is refused.
/// </summary>
public sealed class UnsafeCheckpointException : CheckpointFormatException
{
    /// <summary>Creates the exception for one refused global.</summary>
    /// <param name="message">The description of the problem.</param>
    /// <param name="globalName">The refused global as <c>module.name</c>.</param>
    public UnsafeCheckpointException(string message, string globalName) : base(message) => GlobalName = globalName;

    /// <summary>The refused global as <c>module.name</c>, e.g. <c>argparse.Namespace</c>.</summary>
    public string GlobalName { get; }
}
