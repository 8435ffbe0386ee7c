using SoundStorm.Export.Import;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>
/// An imported seed checkpoint (../shared/reference/soundstorm-s2) packaged and run by the generator the way it was
/// trained to sample: discrete diffusion over all codebooks with the prompt as a condition.
/// </summary>
public sealed class SeedGenerationTests(SeedPackageFixture fixture) : IClassFixture<SeedPackageFixture>
{
    private static string Ref(string name) => TestPaths.ReferenceFile("soundstorm-s2", name);

    private ModelPackage Package() => ModelPackage.Load(fixture.PackageFolder);

    internal static GenerationRequest Request(ulong seed)
    {
        long[] promptSemantic = NpyFile.Read(Ref("prompt_semantics.npy")).ToInt64()[..10];
        long[] targetSemantic = NpyFile.Read(Ref("target_semantics.npy")).ToInt64()[..16];
        long[] codes = NpyFile.Read(Ref("prompt_acoustics.npy")).ToInt64(); // [2, 4, 10]: item 0
        var prompt = new CodeGrid(10, 4);
        for (int f = 0; f < 10; f++)
            for (int c = 0; c < 4; c++) prompt[f, c] = codes[c * 10 + f];
        return new GenerationRequest(targetSemantic, prompt, promptSemantic, seed);
    }

    [ReferenceTheory]
    [InlineData(0, 65)] // purity prior: one reveal per step for 64 positions (t = 99..36), then the t = 0 redraw
    [InlineData(1, 51)] // fast skip-step sampler, skip 1
    [InlineData(4, 21)]
    public void Imported_seed_checkpoint_generates_real_codes_with_the_expected_number_of_calls(int skip, int calls)
    {
        using var package = Package();
        using var generator = new SoundStormGenerator(package);
        var options = new GenerationOptions { DiffusionSkipSteps = skip };
        using var run = generator.Start([Request(7)], options);
        Assert.Equal(calls, run.TotalSteps);
        while (!run.IsDone) run.Step();
        var tokens = run.GetResult(0);
        Assert.Equal(16, tokens.Frames);
        Assert.Equal(4, tokens.Codebooks);
        foreach (long t in tokens.AsSpan()) Assert.InRange(t, 0, 1023);

        var again = generator.Generate(Request(7), options);
        Assert.Equal(tokens, again);
        var other = generator.Generate(Request(8), options);
        Assert.NotEqual(tokens, other);
    }

    [ReferenceTheory]
    [InlineData(0)]
    [InlineData(4)]
    public void Package_with_a_condition_graph_generates_the_tokens_of_a_self_contained_one(int skip)
    {
        using var current = Package();
        using var old = ModelPackage.Load(fixture.SelfContainedPackageFolder);
        Assert.Contains(GraphNames.Condition, current.Graphs);
        Assert.DoesNotContain(GraphNames.Condition, old.Graphs);
        var options = new GenerationOptions { DiffusionSkipSteps = skip };
        using var currentGenerator = new SoundStormGenerator(current);
        using var oldGenerator = new SoundStormGenerator(old);
        GenerationRequest[] requests = [Request(3), Request(5)];
        var expected = oldGenerator.Generate(requests, options);
        var actual = currentGenerator.Generate(requests, options);
        Assert.Equal(expected, actual);
    }

    [ReferenceFact]
    public void Mismatched_condition_and_transformer_graphs_are_refused_naming_the_field()
    {
        string Graph(string folder, string role) => Path.Combine(folder, role + ".onnx");
        string dir = TestPaths.NewTempDirectory();
        try
        {
            // The transformer reads the condition graph's keys, but no condition graph comes with it.
            var missing = Assert.Throws<ModelPackageException>(() => new ModelPackageBuilder(fixture.NewManifest())
                .AddGraph(GraphNames.Combiner, Graph(fixture.PackageFolder, GraphNames.Combiner))
                .AddGraph(GraphNames.Transformer, Graph(fixture.PackageFolder, GraphNames.Transformer))
                .WriteFolder(Path.Combine(dir, "missing")));
            Assert.Equal("graphs.condition", missing.Field);

            // A condition graph beside a transformer that takes the tokens itself.
            var unused = Assert.Throws<ModelPackageException>(() => new ModelPackageBuilder(fixture.NewManifest())
                .AddGraph(GraphNames.Combiner, Graph(fixture.SelfContainedPackageFolder, GraphNames.Combiner))
                .AddGraph(GraphNames.Transformer, Graph(fixture.SelfContainedPackageFolder, GraphNames.Transformer))
                .AddGraph(GraphNames.Condition, Graph(fixture.PackageFolder, GraphNames.Condition))
                .WriteFolder(Path.Combine(dir, "unused")));
            Assert.Equal("graphs.transformer.inputs", unused.Field);
            Assert.Contains("'cross_keys'", unused.Message);
            Assert.False(Directory.Exists(Path.Combine(dir, "missing")) || Directory.Exists(Path.Combine(dir, "unused")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [ReferenceFact]
    public void Same_length_requests_batched_equal_single()
    {
        using var package = Package();
        using var generator = new SoundStormGenerator(package);
        var options = new GenerationOptions { DiffusionSkipSteps = 4 };
        var batched = generator.Generate([Request(1), Request(2)], options);
        Assert.Equal(generator.Generate(Request(1), options), batched[0]);
        Assert.Equal(generator.Generate(Request(2), options), batched[1]);
    }

    [ReferenceFact]
    public void The_importer_states_the_position_tables_limit_and_a_longer_pass_is_refused_while_windows_fit()
    {
        // The reference configuration's frame table has 200 rows (the released one 16000) and its target-semantic
        // table 1000, its prompt tables 500 each: one pass generates at most 200 frames.
        var fragment = PackageFragment.Read(fixture.GraphsFolder);
        Assert.Equal(200, fragment.MaxGeneratedFrames);
        Assert.Equal(500, fragment.MaxPromptFrames);
        using var package = Package();
        Assert.Equal(200, package.Manifest.MaxGeneratedFrames);
        using var generator = new SoundStormGenerator(package);
        var options = new GenerationOptions { DiffusionSkipSteps = 49 };
        var semantic = Enumerable.Range(0, 260).Select(i => (long)(i * 37 % 500)).ToArray();
        var prompt = Request(1);
        var request = new GenerationRequest(semantic, prompt.PromptAcoustic, prompt.PromptSemantic, seed: 3);

        // Upstream's graph would fail inside ONNX Runtime with a broadcast error; here nothing runs.
        var e = Assert.Throws<ArgumentException>(() => generator.Generate(request, options));
        Assert.Contains("asks for 260 frames (5.2 s) in one pass; this model generates at most 200 frames (4 s)", e.Message);

        CodeGrid tokens = generator.GenerateLong(request, options);
        Assert.Equal(200, generator.DefaultWindowFrames);
        Assert.Equal(260, tokens.Frames);
        foreach (long t in tokens.AsSpan()) Assert.InRange(t, 0, 1023);
    }
}

/// <summary>Imports and packages the reference checkpoint once for the class.</summary>
public sealed class SeedPackageFixture : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();
    private readonly SeedModelConfig _config;

    public SeedPackageFixture()
    {
        string graphs = Path.Combine(_dir, "graphs");
        GraphsFolder = graphs;
        var config = SeedCheckpointImporter.Import(TestPaths.ReferenceFile("soundstorm-s2", "last.pth"), graphs,
            TestPaths.ReferenceFile("soundstorm-s2", "model_config.json"));
        _config = config;
        var manifest = NewManifest();
        PackageFolder = Path.Combine(_dir, "package");
        var builder = new ModelPackageBuilder(manifest);
        var fragment = PackageFragment.Read(graphs);
        foreach (var (role, file) in fragment.Graphs) builder.AddGraph(role, Path.Combine(graphs, file));
        foreach (var (role, file) in fragment.Fused ?? []) builder.AddFusedVariant(role, Path.Combine(graphs, file));
        builder.WriteFolder(PackageFolder);

        // The form packages had before the condition graph: the transformer embeds and projects the condition itself.
        string selfContained = Path.Combine(_dir, "self-contained-graphs");
        Directory.CreateDirectory(selfContained);
        var weights = SeedCheckpointImporter.ReadWeights(TestPaths.ReferenceFile("soundstorm-s2", "last.pth"));
        SeedCheckpointImporter.CheckNames(weights, config);
        var files = SeedGraphs.Build(config, weights, selfContained: true).Save(selfContained);
        SelfContainedPackageFolder = Path.Combine(_dir, "self-contained-package");
        var oldForm = new ModelPackageBuilder(manifest);
        foreach (var (role, file) in files) oldForm.AddGraph(role, Path.Combine(selfContained, file));
        oldForm.WriteFolder(SelfContainedPackageFolder);
    }

    /// <summary>A manifest for the reference checkpoint's packages, without graphs.</summary>
    public ModelManifest NewManifest() => new()
    {
        Name = "seed-reference", ModelFamily = ModelFamilies.SeedDiffusion, SampleRate = 16000, FrameRate = 50,
        Codebooks = _config.Codebooks, CodebookSize = _config.CodebookSize, SemanticVocabulary = _config.SemanticVocab, MaskTokenId = _config.MaskId,
        MaxGeneratedFrames = _config.MaxGeneratedFrames, MaxPromptFrames = _config.MaxPromptFrames,
    };

    /// <summary>The package as the importer writes it (with the condition graph).</summary>
    public string PackageFolder { get; }

    /// <summary>The same weights with a self-contained transformer and no condition graph.</summary>
    public string SelfContainedPackageFolder { get; }

    /// <summary>Where the importer wrote the graphs and its fragment.json.</summary>
    public string GraphsFolder { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
