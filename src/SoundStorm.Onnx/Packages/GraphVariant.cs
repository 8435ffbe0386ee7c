namespace SoundStorm.Onnx.Packages;

/// <summary>
/// An alternative file for a graph (<see cref="GraphEntry.Fused"/>): the same network, inputs and outputs, written with
/// operators only some execution providers run.
/// </summary>
public sealed class GraphVariant
{
    /// <summary>File name relative to the package root (forward slashes; no <c>..</c>).</summary>
    public string File { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the file.</summary>
    public string Sha256 { get; set; } = "";
}
