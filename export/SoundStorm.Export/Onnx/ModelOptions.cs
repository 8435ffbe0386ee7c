namespace SoundStorm.Export.Onnx;

/// <summary>Model-level settings: opset, IR version and metadata.</summary>
public sealed class ModelOptions
{
    /// <summary>Default opset: 17, the highest DirectML is known to support.</summary>
    public const long DefaultOpset = 17;

    /// <summary>The default-domain opset the graph is written for.</summary>
    public long Opset { get; init; } = DefaultOpset;

    /// <summary>IR version; null picks the lowest that carries <see cref="Opset"/>.</summary>
    public long? IrVersion { get; init; }

    /// <summary>Producer name written into the model.</summary>
    public string ProducerName { get; init; } = "SoundStorm.Export";

    /// <summary>Producer version written into the model.</summary>
    public string ProducerVersion { get; init; } = typeof(ModelOptions).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>Free-text description of the model.</summary>
    public string DocString { get; init; } = string.Empty;

    /// <summary>Key/value metadata (<c>metadata_props</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
