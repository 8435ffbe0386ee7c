namespace SoundStorm.Onnx.Packages;

/// <summary>One graph file of a package with its checksum and declared signature.</summary>
public sealed class GraphEntry
{
    /// <summary>File name relative to the package root (forward slashes; no <c>..</c>).</summary>
    public string File { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the file.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>The graph's inputs.</summary>
    public List<TensorSpec> Inputs { get; set; } = [];

    /// <summary>The graph's outputs.</summary>
    public List<TensorSpec> Outputs { get; set; } = [];
}
