

namespace SoundStorm.Export.Packaging;

/// <summary>Merges importer fragments (acoustic model, codec, semantic tokenizer) into one validated model package.</summary>
public static class PackageAssembler
{
    /// <summary>
    /// Builds a package folder (or a .zip when <paramref name="output"/> ends with .zip) from fragment folders. Numbers
    /// that several fragments state must agree; sample and frame rate default to 16 kHz / 50 Hz when no fragment
    /// states them.
    /// </summary>
    /// <exception cref="ModelPackageException">A fragment is missing, names a graph outside its folder, is a package whose
    /// SHA-256 values its graphs do not match, two disagree, or the result fails validation.</exception>
    public static ModelManifest Assemble(IReadOnlyList<string> fragmentFolders, string output, string? name = null)
    {
        var manifest = new ModelManifest { Name = name ?? Path.GetFileNameWithoutExtension(output), SampleRate = 0, FrameRate = 0 };
        var graphs = new List<(string Role, string File, string? Fused)>();
        string? family = null;
        foreach (string folder in fragmentFolders)
        {
            var f = PackageFragment.Read(folder);
            string source = Path.Combine(folder, PackageFragment.FileName);
            if (f.ModelFamily is { } stated)
            {
                if (family is not null && family != stated) throw new ModelPackageException(source, "modelFamily", family, stated);
                family = stated;
            }
            manifest.SampleRate = (int)Merge(source, "sampleRate", manifest.SampleRate, f.SampleRate);
            manifest.FrameRate = Merge(source, "frameRate", manifest.FrameRate, f.FrameRate);
            manifest.Codebooks = (int)Merge(source, "codebooks", manifest.Codebooks, f.Codebooks);
            manifest.CodebookSize = (int)Merge(source, "codebookSize", manifest.CodebookSize, f.CodebookSize);
            manifest.SemanticVocabulary = (int)Merge(source, "semanticVocabulary", manifest.SemanticVocabulary, f.SemanticVocabulary);
            manifest.MaskTokenId = (long)Merge(source, "maskTokenId", manifest.MaskTokenId, f.MaskTokenId);
            manifest.MaxGeneratedFrames = MergeOptional(source, "maxGeneratedFrames", manifest.MaxGeneratedFrames, f.MaxGeneratedFrames);
            manifest.MaxPromptFrames = MergeOptional(source, "maxPromptFrames", manifest.MaxPromptFrames, f.MaxPromptFrames);
            manifest.CodecContextFrames = MergeOptional(source, "codecContextFrames", manifest.CodecContextFrames, f.CodecContextFrames);
            foreach (var role in f.Graphs.Keys)
            {
                if (graphs.Any(g => g.Role == role)) throw new ModelPackageException(source, $"graphs.{role}", "one fragment per graph role", "a second fragment with the same role");
                graphs.Add((role, f.GraphPath(folder, role), f.FusedGraphPath(folder, role)));
            }
        }
        manifest.ModelFamily = family ?? ModelFamilies.MaskGit;
        if (manifest.SampleRate == 0) manifest.SampleRate = 16000;
        if (manifest.FrameRate == 0) manifest.FrameRate = 50;
        var builder = new ModelPackageBuilder(manifest);
        static string[] Companions(string file) => File.Exists(file + ".data") ? [file + ".data"] : [];
        foreach (var (role, file, fused) in graphs)
        {
            builder.AddGraph(role, file, companionFiles: Companions(file));
            if (fused is not null) builder.AddFusedVariant(role, fused, Companions(fused));
        }
        return output.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? builder.WriteZip(output) : builder.WriteFolder(output);
    }

    // Optional numbers: absent in most fragments, and 0 is a value (a codec context of 0 frames), not "unset".
    private static int? MergeOptional(string source, string field, int? current, int? value)
    {
        if (current is { } c && value is { } v && c != v)
            throw new ModelPackageException(source, field, c.ToString(CultureInfo.InvariantCulture), v.ToString(CultureInfo.InvariantCulture));
        return value ?? current;
    }

    private static double Merge(string source, string field, double current, double? value)
    {
        if (value is not { } v) return current;
        if (current != 0 && current != v)
            throw new ModelPackageException(source, field, current.ToString(CultureInfo.InvariantCulture), v.ToString(CultureInfo.InvariantCulture));
        return v;
    }
}
