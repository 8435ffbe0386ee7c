using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Packages;

/// <summary>
/// Opens graphs straight from an importer's fragment folder (<c>fragment.json</c> + graph files), for tools that need the
/// codec or the semantic tokenizer before a full package exists. A fragment declares no tensor specs, so each graph is
/// checked against the graph contract instead: input and output names, element types and ranks.
/// </summary>
internal static class FragmentGraphs
{
    /// <summary>One tensor the contract requires: name, element type, rank, and optionally a fixed last dimension.</summary>
    public readonly record struct Expected(string Name, string ElementType, int Rank, long? LastDimension = null);

    /// <summary>The fragment's number <paramref name="field"/>, required to be present and positive.</summary>
    public static double Positive(string folder, string field, double? value)
    {
        if (value is not { } v || !(v > 0) || double.IsInfinity(v))
            throw new ModelPackageException(FragmentFile(folder), field, "a positive number",
                value?.ToString(CultureInfo.InvariantCulture) ?? "nothing");
        return v;
    }

    /// <summary>True if the fragment names a graph for <paramref name="role"/>.</summary>
    public static bool Has(PackageFragment fragment, string role) => fragment.Graphs.ContainsKey(role);

    /// <summary>Opens the fragment's <paramref name="role"/> graph and checks it against the contract.</summary>
    public static InferenceSession Open(string folder, PackageFragment fragment, string role, SessionSettings settings,
        IReadOnlyList<Expected> inputs, IReadOnlyList<Expected> outputs)
    {
        string path = fragment.GraphPath(folder, role);
        var session = SessionFactory.Create(path, settings, role);
        try
        {
            Check(path, $"graphs.{role}.inputs", inputs, session.InputMetadata, exact: true);
            Check(path, $"graphs.{role}.outputs", outputs, session.OutputMetadata, exact: false); // extra outputs (features) are allowed
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void Check(string file, string field, IReadOnlyList<Expected> expected, IReadOnlyDictionary<string, NodeMetadata> actual, bool exact)
    {
        foreach (var e in expected)
        {
            if (!actual.TryGetValue(e.Name, out var node))
                throw new ModelPackageException(file, field, $"a tensor named '{e.Name}'", $"({string.Join(", ", actual.Keys)})");
            string type = GraphSignature.ElementTypeName(node.ElementDataType);
            if (type != e.ElementType) throw new ModelPackageException(file, $"{field}.{e.Name}.elementType", e.ElementType, type);
            if (node.Dimensions.Length != e.Rank)
                throw new ModelPackageException(file, $"{field}.{e.Name}.shape", $"{e.Rank} dimensions", node.Dimensions.Length.ToString(CultureInfo.InvariantCulture));
            long last = node.Dimensions[^1];
            if (e.LastDimension is { } size && last >= 0 && last != size)
                throw new ModelPackageException(file, $"{field}.{e.Name}.shape[{e.Rank - 1}]", $"{size} (fragment.json)", last.ToString(CultureInfo.InvariantCulture));
        }
        if (exact && actual.Count != expected.Count)
            throw new ModelPackageException(file, field, $"only ({string.Join(", ", expected.Select(x => x.Name))})", $"({string.Join(", ", actual.Keys)})");
    }

    private static string FragmentFile(string folder) => Path.Combine(folder, PackageFragment.FileName);
}
