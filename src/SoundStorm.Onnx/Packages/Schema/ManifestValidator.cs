
#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>
/// Checks a manifest on its own: supported version and family, sensible numbers, required graphs, and the
/// graph contract of docs/graph-contract.md (names, element types, and that Q, D and V agree across graphs).
/// </summary>
internal static class ManifestValidator
{
    private const string File = ModelManifest.FileName;

    public static void Validate(ModelManifest m)
    {
        if (m.FormatVersion != ModelManifest.CurrentFormatVersion)
            throw new ModelPackageException(File, "formatVersion", ModelManifest.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture),
                m.FormatVersion.ToString(CultureInfo.InvariantCulture));
        if (m.ModelFamily is not (ModelFamilies.MaskGit or ModelFamilies.SeedDiffusion))
            throw new ModelPackageException(File, "modelFamily", $"\"{ModelFamilies.MaskGit}\" or \"{ModelFamilies.SeedDiffusion}\"", $"\"{m.ModelFamily}\"");
        Positive(m.SampleRate, "sampleRate");
        if (!(m.FrameRate > 0) || double.IsInfinity(m.FrameRate))
            throw new ModelPackageException(File, "frameRate", "a positive number", m.FrameRate.ToString(CultureInfo.InvariantCulture));
        Positive(m.Codebooks, "codebooks");
        Positive(m.CodebookSize, "codebookSize");
        Positive(m.SemanticVocabulary, "semanticVocabulary");
        if (m.MaskTokenId < m.CodebookSize)
            throw new ModelPackageException(File, "maskTokenId", $"an id ≥ codebookSize ({m.CodebookSize}) so it cannot be mistaken for a code",
                m.MaskTokenId.ToString(CultureInfo.InvariantCulture));
        Optional(m.MaxGeneratedFrames, "maxGeneratedFrames", 1);
        Optional(m.MaxPromptFrames, "maxPromptFrames", 1);
        Optional(m.CodecContextFrames, "codecContextFrames", 0);
        if (m.Graphs is null)
            throw new ModelPackageException(File, "graphs", "an object naming the graph files", "nothing");
        foreach (var (name, entry) in m.Graphs)
        {
            if (!GraphNames.All.Contains(name))
                throw new ModelPackageException(File, $"graphs.{name}", $"one of {string.Join(", ", GraphNames.All)}", $"\"{name}\"");
            if (entry is null || string.IsNullOrWhiteSpace(entry.File))
                throw new ModelPackageException(File, $"graphs.{name}.file", "a file name", "nothing");
            Sha256(entry.Sha256, $"graphs.{name}.sha256");
            if (entry.Fused is { } fused)
            {
                if (string.IsNullOrWhiteSpace(fused.File))
                    throw new ModelPackageException(File, $"graphs.{name}.fused.file", "a file name", "nothing");
                if (fused.File == entry.File)
                    throw new ModelPackageException(File, $"graphs.{name}.fused.file", $"a file other than graphs.{name}.file", $"\"{fused.File}\"");
                Sha256(fused.Sha256, $"graphs.{name}.fused.sha256");
            }
            // List items are not covered by the serializer's null checks.
            if (entry.Inputs.Contains(null!) || entry.Outputs.Contains(null!))
                throw new ModelPackageException(File, $"graphs.{name}", "inputs and outputs that are objects", "null");
        }
        var combiner = Required(m, GraphNames.Combiner);
        var transformer = Required(m, GraphNames.Transformer);
        if (m.ModelFamily == ModelFamilies.MaskGit)
            ValidateMaskGitContract(m, combiner, transformer);
        else
            ValidateSeedContract(m, combiner, transformer);
        if (m.Graphs.TryGetValue(GraphNames.TextToSemantic, out var text)) ValidateTextContract(m, text);
        if (m.Graphs.TryGetValue(GraphNames.SemanticStatistics, out var statistics)) ValidateStatisticsContract(m, statistics);
    }

    // The tokenizer's statistics (docs/graph-contract.md): its mean and variance outputs are the semantic graph's inputs.
    private static void ValidateStatisticsContract(ModelManifest m, GraphEntry statistics)
    {
        const string s = GraphNames.SemanticStatistics;
        if (!m.Graphs.TryGetValue(GraphNames.Semantic, out var semantic))
            throw new ModelPackageException(File, $"graphs.{s}", $"a '{GraphNames.Semantic}' graph beside it", "none");
        Spec(statistics.Inputs, s, "inputs", "waveform", "float");
        Spec(statistics.Outputs, s, "outputs", "extractor_frames", "int64");
        foreach (string name in new[] { "extractor_mean", "extractor_variance" })
        {
            var output = Spec(statistics.Outputs, s, "outputs", name, "float");
            var input = Spec(semantic.Inputs, GraphNames.Semantic, "inputs", name, "float");
            if (output.Shape is null || output.Shape.Count != 2 || input.Shape is null || input.Shape.Count != 1 || output.Shape[1] != input.Shape[0])
                throw new ModelPackageException(File, $"graphs.{GraphNames.Semantic}.{name}.shape",
                    $"[channels] matching graphs.{s}.{name} [batch, channels]",
                    $"[{string.Join(", ", input.Shape ?? [])}] against [{string.Join(", ", output.Shape ?? [])}]");
        }
    }

    private static void Sha256(string? value, string field)
    {
        if (value is null || value.Length != 64 || !value.All(char.IsAsciiHexDigit))
            throw new ModelPackageException(File, field, "64 hex digits", $"\"{value}\"");
    }

    // Text to speech (docs/graph-contract.md): phones and per-frame phone indices in, durations and unit logits out.
    private static void ValidateTextContract(ModelManifest m, GraphEntry text)
    {
        const string x = GraphNames.TextToSemantic;
        foreach (string name in new[] { "phones", "frame_phone", "frame_offset", "frame_length" })
        {
            var input = Spec(text.Inputs, x, "inputs", name, "int64");
            if (input.Shape is null || input.Shape.Count != 2)
                throw new ModelPackageException(File, $"graphs.{x}.{name}.shape", "2 dimensions", $"{input.Shape?.Count ?? 0}");
        }
        var durations = Spec(text.Outputs, x, "outputs", "log_durations", "float");
        if (durations.Shape is null || durations.Shape.Count != 2)
            throw new ModelPackageException(File, $"graphs.{x}.log_durations.shape", "2 dimensions", $"{durations.Shape?.Count ?? 0}");
        var logits = Spec(text.Outputs, x, "outputs", "logits", "float");
        BatchFrames(logits, x, 3);
        FixedDim(logits, x, 2, m.SemanticVocabulary, "semanticVocabulary");
    }

    // The seed family (docs/graph-contract.md): the prompt is a cross-attention condition, every codebook is predicted at once.
    private static void ValidateSeedContract(ModelManifest m, GraphEntry combiner, GraphEntry transformer)
    {
        const string c = GraphNames.Combiner, t = GraphNames.Transformer;
        var tokens = Spec(combiner.Inputs, c, "inputs", "tokens", "int64");
        BatchFrames(tokens, c, 3);
        FixedDim(tokens, c, 2, m.Codebooks, "codebooks");
        BatchFrames(Spec(combiner.Outputs, c, "outputs", "embeddings", "float"), c, 3);
        Spec(combiner.Outputs, c, "outputs", "skip", "float");
        foreach (var (name, type) in new[] { ("embeddings", "float"), ("skip", "float"), ("padding_mask", "bool"), ("step", "int64") })
            Spec(transformer.Inputs, t, "inputs", name, type);
        var logits = Spec(transformer.Outputs, t, "outputs", "logits", "float");
        BatchFrames(logits, t, 4);
        FixedDim(logits, t, 2, m.Codebooks, "codebooks");
        if (m.MaskTokenId != logits.Shape[3].Size)
            throw new ModelPackageException(File, "maskTokenId", $"{logits.Shape[3]} (the class after the network's classes)", m.MaskTokenId.ToString(CultureInfo.InvariantCulture));
        ValidateSeedCondition(m, transformer);
    }

    // The condition's tokens go either to a condition graph, whose keys and values the transformer then takes, or to
    // the transformer itself.
    private static void ValidateSeedCondition(ModelManifest m, GraphEntry transformer)
    {
        const string t = GraphNames.Transformer, k = GraphNames.Condition;
        m.Graphs.TryGetValue(k, out var condition);
        if (condition is null && transformer.Inputs.Any(i => i.Name == "cross_keys"))
            throw new ModelPackageException(File, $"graphs.{k}", "a condition graph for the transformer's 'cross_keys' input", "none");
        foreach (string name in new[] { "prompt_semantic", "target_semantic", "prompt_acoustic" })
            Spec((condition ?? transformer).Inputs, condition is null ? t : k, "inputs", name, "int64");
        if (condition is null) return;
        foreach (string name in new[] { "cross_keys", "cross_values" })
        {
            var output = Spec(condition.Outputs, k, "outputs", name, "float");
            var input = Spec(transformer.Inputs, t, "inputs", name, "float");
            if (output.Shape is null || output.Shape.Count != 5 || input.Shape is null || !output.Shape.SequenceEqual(input.Shape))
                throw new ModelPackageException(File, $"graphs.{t}.{name}.shape",
                    $"[layers, batch, heads, frames, head width] as graphs.{k}.{name} [{string.Join(", ", output.Shape ?? [])}]",
                    $"[{string.Join(", ", input.Shape ?? [])}]");
        }
    }

    private static void ValidateMaskGitContract(ModelManifest m, GraphEntry combiner, GraphEntry transformer)
    {
        const string c = GraphNames.Combiner, t = GraphNames.Transformer;
        var tokens = Spec(combiner.Inputs, c, "inputs", "tokens", "int64");
        BatchFrames(tokens, c, 3);
        FixedDim(tokens, c, 2, m.Codebooks, "codebooks");
        // A combiner whose convolutions span frames also reads the padding mask (so padding reads as zeros).
        foreach (var input in combiner.Inputs)
            if (input.Name is not ("tokens" or "padding_mask"))
                throw new ModelPackageException(File, $"graphs.{c}.inputs.{input.Name}", "only 'tokens' and optionally 'padding_mask'", $"'{input.Name}'");
        if (combiner.Inputs.Any(i => i.Name == "padding_mask"))
            BatchFrames(Spec(combiner.Inputs, c, "inputs", "padding_mask", "bool"), c, 2);

        var embeddings = Spec(combiner.Outputs, c, "outputs", "embeddings", "float");
        BatchFrames(embeddings, c, 3);
        long width = embeddings.Shape[2].Size
            ?? throw new ModelPackageException(File, $"graphs.{c}.outputs.embeddings.shape[2]", "a fixed model width D", $"'{embeddings.Shape[2]}'");

        var tEmbeddings = Spec(transformer.Inputs, t, "inputs", "embeddings", "float");
        BatchFrames(tEmbeddings, t, 3);
        FixedDim(tEmbeddings, t, 2, width, "the combiner's embedding width");
        BatchFrames(Spec(transformer.Inputs, t, "inputs", "semantic", "int64"), t, 2);
        BatchFrames(Spec(transformer.Inputs, t, "inputs", "padding_mask", "bool"), t, 2);
        var level = Spec(transformer.Inputs, t, "inputs", "level", "int64");
        if (level.Shape.Count != 1 || level.Shape[0].Size != 1)
            throw new ModelPackageException(File, $"graphs.{t}.inputs.level.shape", "[1]", $"[{string.Join(", ", level.Shape)}]");

        // Every further transformer input must be a combiner output of the same name and type (a skip connection).
        foreach (var input in transformer.Inputs)
        {
            if (input.Name is "embeddings" or "semantic" or "padding_mask" or "level") continue;
            var skip = combiner.Outputs.FirstOrDefault(o => o.Name == input.Name)
                ?? throw new ModelPackageException(File, $"graphs.{t}.inputs.{input.Name}",
                    "only embeddings, semantic, padding_mask, level, or an output of the combiner", "an input the combiner does not produce");
            if (skip.ElementType != input.ElementType)
                throw new ModelPackageException(File, $"graphs.{t}.inputs.{input.Name}.elementType", skip.ElementType, input.ElementType);
        }
        var logits = Spec(transformer.Outputs, t, "outputs", "logits", "float");
        BatchFrames(logits, t, 3);
        FixedDim(logits, t, 2, m.CodebookSize, "codebookSize");
    }

    private static GraphEntry Required(ModelManifest m, string name) =>
        m.Graphs.TryGetValue(name, out var entry) ? entry
            : throw new ModelPackageException(File, $"graphs.{name}", $"an entry for the required '{name}' graph", "none");

    private static TensorSpec Spec(List<TensorSpec>? specs, string graph, string kind, string name, string elementType)
    {
        var spec = specs?.FirstOrDefault(s => s.Name == name)
            ?? throw new ModelPackageException(File, $"graphs.{graph}.{kind}", $"an entry named '{name}'",
                specs is null || specs.Count == 0 ? "none" : string.Join(", ", specs.Select(s => $"'{s.Name}'")));
        if (spec.ElementType != elementType)
            throw new ModelPackageException(File, $"graphs.{graph}.{kind}.{name}.elementType", elementType, spec.ElementType);
        return spec;
    }

    private static void BatchFrames(TensorSpec spec, string graph, int rank)
    {
        string field = $"graphs.{graph}.{spec.Name}.shape";
        if (spec.Shape is null || spec.Shape.Count != rank)
            throw new ModelPackageException(File, field, $"{rank} dimensions", $"{spec.Shape?.Count ?? 0}");
        if (spec.Shape[0].Symbol != "batch" || spec.Shape[1].Symbol != "frames")
            throw new ModelPackageException(File, field, "symbolic dimensions 'batch', 'frames' first", $"[{string.Join(", ", spec.Shape)}]");
    }

    private static void FixedDim(TensorSpec spec, string graph, int index, long expected, string what)
    {
        if (spec.Shape[index].Size != expected)
            throw new ModelPackageException(File, $"graphs.{graph}.{spec.Name}.shape[{index}]", $"{expected} ({what})", $"'{spec.Shape[index]}'");
    }

    private static void Optional(int? value, string field, int least)
    {
        if (value < least)
            throw new ModelPackageException(File, field, $"an integer ≥ {least}, or no such field", value.Value.ToString(CultureInfo.InvariantCulture));
    }

    private static void Positive(long value, string field)
    {
        if (value <= 0)
            throw new ModelPackageException(File, field, "a positive integer", value.ToString(CultureInfo.InvariantCulture));
    }
}
