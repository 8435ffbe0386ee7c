namespace SoundStorm.Export.Checkpoints;

/// <summary>Options for <see cref="TorchCheckpoint"/>.</summary>
public sealed class TorchLoadOptions
{
    /// <summary>The defaults: only the built-in allow-list of data-only globals.</summary>
    public static TorchLoadOptions Default { get; } = new();

    /// <summary>
    /// Classes (as <c>module.name</c>, e.g. <c>argparse.Namespace</c>) that may appear in the pickle as opaque data:
    /// instead of refusing the file, each instance becomes a <see cref="CheckpointObject"/> holding its arguments and
    /// state. Nothing is imported or run; list only classes whose pickled state you understand. Empty by default.
    /// </summary>
    public IReadOnlyCollection<string> OpaqueClasses { get; init; } = [];

    /// <summary>Largest pickle (<c>data.pkl</c>) accepted, in bytes; guards against corrupt length fields.</summary>
    public long MaxPickleBytes { get; init; } = 1L << 30;
}
