namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// An instance of a class that the caller allowed as opaque data (see <see cref="TorchLoadOptions.OpaqueClasses"/>),
/// e.g. <c>argparse.Namespace</c>: the class is never looked up or run; its constructor arguments and pickled state
/// are kept as plain values.
/// </summary>
public sealed class CheckpointObject
{
    internal CheckpointObject(string className, CheckpointTuple arguments)
    {
        ClassName = className;
        Arguments = arguments;
    }

    /// <summary>The class as <c>module.name</c>.</summary>
    public string ClassName { get; }

    /// <summary>The arguments the pickle passes to the class (often empty).</summary>
    public CheckpointTuple Arguments { get; }

    /// <summary>The state applied after construction (usually a <see cref="CheckpointDict"/> of attributes), or null.</summary>
    public object? State { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"{ClassName}{Arguments}";
}
