using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>The loop over real ONNX graphs (tiny random weights), checked against a float64 C# twin of the same model.</summary>
public class OnnxGenerationTests
{
    private const int Q = TinyModel.Q, V = TinyModel.V, K = TinyModel.K;

    private static GenerationRequest[] Requests(int seed)
    {
        var random = new Random(seed);
        long[] Tokens(int n, int max) => Enumerable.Range(0, n).Select(_ => (long)random.Next(max)).ToArray();
        var prompt = new CodeGrid(4, Q);
        for (int f = 0; f < 4; f++) for (int q = 0; q < Q; q++) prompt[f, q] = random.Next(V);
        return
        [
            new GenerationRequest(Tokens(17, K)),
            new GenerationRequest(Tokens(9, K), prompt, Tokens(4, K)),
            TestModels.LeadingPrompt(Tokens(25, K), prompt),
        ];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Graph_logits_match_the_float64_reference_on_a_padded_batch(bool withSkip)
    {
        var model = new TinyModel(3, withSkip);
        using var package = ModelPackage.Load(model.WritePackage(TestPaths.NewTempDirectory()));
        using var source = OnnxLogitsSource.Create(package, new SessionSettings { IntraOpThreads = 1 });
        using var workspace = source.CreateWorkspace(2, 6);
        var random = new Random(4);
        for (int i = 0; i < workspace.Tokens.Length; i++) workspace.Tokens[i] = random.Next(V + 1); // codes and masks
        for (int i = 0; i < workspace.Semantic.Length; i++) workspace.Semantic[i] = random.Next(K);
        workspace.Padding.Clear();
        workspace.Padding.Slice(10, 2).Fill(true); // request 1, frames 4 and 5
        for (int level = 0; level < Q; level++)
        {
            workspace.Run(level, default);
            for (int bf = 0; bf < 12; bf++)
            {
                var logits = workspace.Logits.Slice(bf * V, V);
                double[] expected = workspace.Padding[bf] ? new double[V]
                    : model.Logits(workspace.Tokens.Slice(bf * Q, Q), workspace.Semantic[bf], level);
                for (int v = 0; v < V; v++) Assert.Equal(expected[v], logits[v], 1e-4);
            }
        }
    }

    [Fact]
    public void Onnx_run_gives_the_tokens_of_the_same_loop_over_the_csharp_twin()
    {
        var model = new TinyModel(5);
        using var package = ModelPackage.Load(model.WritePackage(TestPaths.NewTempDirectory(), zip: true));
        using var onnx = new SoundStormGenerator(package);
        using var twin = new SoundStormGenerator(new FakeLogitsSource(Q, V, (rowTokens, rowSemantic, frame, level, logits) =>
        {
            var expected = model.Logits(rowTokens.Slice(frame * Q, Q), rowSemantic[frame], level);
            for (int v = 0; v < V; v++) logits[v] = (float)expected[v];
        }), new TokenVocabulary(Q, V, K, V));
        // Greedy with noise-free ranking: tokens follow from the logits alone, so float rounding cannot flip a draw.
        var options = new GenerationOptions { FirstLevelIterations = 5, Temperature = 0, ConfidenceNoise = 0 };
        var requests = Requests(6);
        var fromOnnx = onnx.Generate(requests, options);
        var fromTwin = twin.Generate(requests, options);
        Assert.Equal(fromTwin, fromOnnx);
        Assert.Equal([17, 9, 21], fromOnnx.Select(r => r.Frames));
    }

    [Fact]
    public void Onnx_batched_equals_one_by_one_and_reports_progress()
    {
        using var tiny = new TinyPackage(7);
        using var generator = new SoundStormGenerator(tiny.Package);
        var options = new GenerationOptions { FirstLevelIterations = 6, Seed = 11, TopK = 8, ConfidenceNoise = 1.5f };
        var requests = Requests(8);
        var steps = new List<GenerationProgress>();
        var batched = generator.Generate(requests, options, new MaskGitPropertyTests.SynchronousProgress(steps.Add));
        Assert.Equal(6 + Q - 1, steps.Count);
        for (int b = 0; b < requests.Length; b++)
        {
            var r = requests[b];
            var alone = generator.Generate(new GenerationRequest(r.Semantic, r.PromptAcoustic, r.PromptSemantic, 11 + (ulong)b), options);
            Assert.Equal(alone, batched[b]);
            foreach (long token in alone.AsSpan()) Assert.InRange(token, 0, V - 1);
        }
    }

    [Fact]
    public void Cancelled_token_terminates_the_graph_run()
    {
        using var tiny = new TinyPackage(9, verifyGraphs: false);
        using var source = OnnxLogitsSource.Create(tiny.Package, new SessionSettings());
        using var workspace = source.CreateWorkspace(1, 3);
        workspace.Padding.Clear();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        // Registration on a cancelled token sets RunOptions.Terminate at once, so ONNX Runtime refuses to run.
        Assert.Throws<OperationCanceledException>(() => workspace.Run(0, cts.Token));
    }

    [Fact]
    public void Token_out_of_range_for_the_package_is_refused_before_any_graph_runs()
    {
        using var tiny = new TinyPackage(10, verifyGraphs: false);
        using var generator = new SoundStormGenerator(tiny.Package);
        Assert.Equal((Q, V, K), (generator.Codebooks, generator.CodebookSize, generator.SemanticVocabulary));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => generator.Generate(new GenerationRequest([0, K])));
        Assert.Contains($"Semantic[1] = {K}", e.Message);
    }

    [Fact]
    public void MaskGit_graphs_labelled_seed_diffusion_are_refused_at_load()
    {
        string folder = new TinyModel(12).WritePackage(TestPaths.NewTempDirectory());
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        var manifest = ModelManifest.FromJson(File.ReadAllText(manifestPath));
        manifest.ModelFamily = ModelFamilies.SeedDiffusion;
        File.WriteAllText(manifestPath, manifest.ToJson());
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder));
        Assert.Contains("graphs.combiner.outputs: expected an entry named 'skip'", e.Message);
    }
}
