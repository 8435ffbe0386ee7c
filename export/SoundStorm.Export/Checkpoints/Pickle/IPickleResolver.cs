namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// What the pickle machine delegates: naming globals, "calling" them, applying state and resolving persistent ids.
/// An implementation only ever builds data; it must refuse (throw) anything it does not recognise.
/// </summary>
internal interface IPickleResolver
{
    /// <summary>Returns a token for an allowed global; throws <see cref="UnsafeCheckpointException"/> otherwise.</summary>
    object ResolveGlobal(string module, string name);

    /// <summary>REDUCE / NEWOBJ / INST / OBJ: builds the value the allowed callable stands for.</summary>
    object? Call(object? callable, CheckpointTuple arguments);

    /// <summary>BUILD: applies pickled state to an object built earlier.</summary>
    void Build(object? target, object? state);

    /// <summary>PERSID / BINPERSID: the object behind a persistent id (a torch storage).</summary>
    object? PersistentLoad(object? persistentId);
}
