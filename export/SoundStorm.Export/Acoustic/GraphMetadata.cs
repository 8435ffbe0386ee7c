using SoundStorm.Export.Onnx;

namespace SoundStorm.Export.Acoustic;

/// <summary>Model options carrying an acoustic model's family, role and sizes as ONNX metadata.</summary>
internal static class GraphMetadata
{
    public static ModelOptions Options(string family, string role, int codebooks, int codebookSize, int semanticVocab, int dim, int layers, int heads,
        params (string Key, string Value)[] extra)
    {
        var metadata = new Dictionary<string, string>
        {
            ["soundstorm.family"] = family,
            ["soundstorm.role"] = role,
            ["soundstorm.codebooks"] = codebooks.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.codebook_size"] = codebookSize.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.semantic_vocab"] = semanticVocab.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.dim"] = dim.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.layers"] = layers.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.heads"] = heads.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra) metadata[key] = value;
        return new ModelOptions { DocString = $"SoundStorm {family} {role} graph", Metadata = metadata };
    }
}
