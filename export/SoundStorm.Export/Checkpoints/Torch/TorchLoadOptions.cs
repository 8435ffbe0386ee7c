namespace SoundStorm.Export.Checkpoints;

/// <summary>Options for <see cref="TorchCheckpoint"/>.</summary>
public sealed class TorchLoadOptions
{
    /// <summary>The defaults: only the built-in allow-list of data-only globals.</summary>
    public static TorchLoadOptions Default { get; } = new();

    /// <summary>
    /// The one allow-list every importer reads checkpoints with: the built-in data-only globals, plus, as opaque records,
    /// the settings classes training code pickles beside the weights — <c>argparse.Namespace</c>, every class of the
    /// <c>omegaconf</c> and <c>fairseq</c> modules (configs, nodes, dictionaries, enum choices), and the types omegaconf
    /// names as metadata (<c>typing.Any</c>, <c>collections.defaultdict</c>, <c>builtins</c> dict, list, int, float,
    /// str, bool). Any other global (<c>os.system</c>, <c>builtins.eval</c>, your own classes) is still refused by name.
    /// </summary>
    public static TorchLoadOptions TrainingCheckpoint { get; } = new()
    {
        OpaqueClasses =
        [
            "argparse.Namespace", "typing.Any", "collections.defaultdict",
            "builtins.dict", "builtins.list", "builtins.int", "builtins.float", "builtins.str", "builtins.bool",
        ],
        OpaqueModules = ["omegaconf", "fairseq"],
    };

    /// <summary>
    /// Classes (as <c>module.name</c>, e.g. <c>argparse.Namespace</c>) that may appear in the pickle as opaque data:
    /// instead of refusing the file, each instance becomes a <see cref="CheckpointObject"/> holding its arguments and
    /// state. Nothing is imported or run; list only classes whose pickled state you understand. Empty by default.
    /// </summary>
    public IReadOnlyCollection<string> OpaqueClasses { get; init; } = [];

    /// <summary>
    /// Modules (e.g. <c>omegaconf</c>) every class of which, in the module or its submodules, may appear as opaque data
    /// like <see cref="OpaqueClasses"/>. For libraries whose settings classes are too many to list; empty by default.
    /// </summary>
    public IReadOnlyCollection<string> OpaqueModules { get; init; } = [];

    /// <summary>Largest pickle (<c>data.pkl</c>) accepted, in bytes; guards against corrupt length fields.</summary>
    public long MaxPickleBytes { get; init; } = 1L << 30;
}
