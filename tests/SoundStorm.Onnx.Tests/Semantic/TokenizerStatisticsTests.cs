using SoundStorm.Export.Import;
using SoundStorm.Export.Semantic;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Onnx.Tests.Semantic;

/// <summary>
/// A tokenizer imported as two graphs (normalisation statistics, then the semantic graph that takes them), on the
/// reference HuBERT: statistics merged over chunks equal one call's, the tokens still match the original PyTorch
/// model's, and with a bounded attention span chunked tokens equal one-pass tokens exactly — with global attention
/// they do not, which is what the span is for.
/// </summary>
public sealed class TokenizerStatisticsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string Import(int? span)
    {
        string folder = Path.Combine(_dir, span is null ? "global" : $"span{span}");
        HubertImporter.Import(ReferenceData.File("hubert", "model.pth"), ReferenceData.File("hubert", "torchaudio_config.json"), 2,
            ReferenceData.File("hubert", "kmeans_centroids.npy"), folder, span);
        return folder;
    }

    private static float[] ReferenceWaveform() => NpyFile.Read(ReferenceData.File("hubert", "input_wav.npy")).ToFloat32();

    private static long[] ReferenceTokens() => NpyFile.Read(ReferenceData.File("hubert", "kmeans_tokens.npy")).ToInt64();

    [ReferenceFact]
    public void Two_graph_tokenizer_reproduces_the_original_tokens_with_global_attention_and_with_a_span_covering_the_input()
    {
        // The reference clip has 74 frames: a span of 73 lets every frame see every other, as global attention does.
        foreach (int? span in new int?[] { null, 73 })
        {
            using var tokenizer = SemanticTokenizer.FromFragment(Import(span));
            Assert.NotNull(tokenizer.StatisticsPass);
            Assert.Equal(ReferenceTokens(), tokenizer.Tokenize(ReferenceWaveform()));
        }
    }

    [ReferenceFact]
    public void Statistics_merged_over_chunks_equal_one_calls()
    {
        if (RecordedSpeech.Looped(20, "0880", "0930") is not { } speech) return;
        using var tokenizer = SemanticTokenizer.FromFragment(Import(null));
        var pass = tokenizer.StatisticsPass!;
        pass.ChunkSamples = speech.Length;
        var whole = tokenizer.Statistics(speech, default)!;
        pass.ChunkSamples = 7001; // 46 calls, each a whole number of the first convolution's frames
        var merged = tokenizer.Statistics(speech, default)!;
        for (int c = 0; c < whole.Mean.Length; c++)
        {
            Assert.True(Math.Abs(merged.Mean[c] - whole.Mean[c]) <= 1e-5 * Math.Sqrt(whole.Variance[c]), $"channel {c}: mean {merged.Mean[c]} vs {whole.Mean[c]}");
            Assert.True(Math.Abs(merged.Variance[c] - whole.Variance[c]) <= 1e-5 * whole.Variance[c], $"channel {c}: variance {merged.Variance[c]} vs {whole.Variance[c]}");
        }
    }

    [ReferenceFact]
    public void With_a_bounded_span_chunked_tokens_equal_one_pass_tokens_and_with_global_attention_they_do_not()
    {
        if (RecordedSpeech.Looped(12, "0880", "0930") is not { } speech) return;
        // What a token depends on: the positional convolution (128 taps: 64 frames each side) and 2 layers of a 8-frame span.
        const int span = 8, reach = 64 + 2 * span;
        using var bounded = SemanticTokenizer.FromFragment(Import(span));
        using var global = SemanticTokenizer.FromFragment(Import(null));
        foreach (var tokenizer in new[] { bounded, global })
        {
            tokenizer.ChunkFrames = 100;
            tokenizer.ContextFrames = reach;
        }
        Assert.Equal(6, bounded.Chunks(SemanticTokenizer.FrameCount(speech.Length)).Count());
        long[] boundedChunked = bounded.Tokenize(speech), globalChunked = global.Tokenize(speech);
        bounded.ChunkFrames = global.ChunkFrames = int.MaxValue / 4;
        Assert.Equal(bounded.Tokenize(speech), boundedChunked);
        Assert.NotEqual(global.Tokenize(speech), globalChunked);
    }

    [ReferenceFact]
    public void Chunks_carry_as_much_context_as_the_graphs_attention_span_within_the_default_run_length()
    {
        using var wide = SemanticTokenizer.FromFragment(Import(400));
        using var narrow = SemanticTokenizer.FromFragment(Import(8));
        using var global = SemanticTokenizer.FromFragment(Import(null));
        Assert.Equal((400, SemanticTokenizer.DefaultContextFrames, SemanticTokenizer.DefaultContextFrames), (wide.ContextFrames, narrow.ContextFrames, global.ContextFrames));
        // Runs stay within the default run (1,000 + 2 × 150 frames), so a wide span does not raise peak memory.
        Assert.Equal((500, SemanticTokenizer.DefaultChunkFrames, SemanticTokenizer.DefaultChunkFrames), (wide.ChunkFrames, narrow.ChunkFrames, global.ChunkFrames));
    }

    [ReferenceFact]
    public void A_one_graph_tokenizer_still_runs_on_its_own_statistics()
    {
        // Packages made before the statistics graph existed: the semantic graph normalises over its own input.
        string folder = Path.Combine(_dir, "one-graph");
        Directory.CreateDirectory(folder);
        WriteOneGraphTokenizer(folder);
        new PackageFragment { SampleRate = 16000, FrameRate = 50, SemanticVocabulary = 32, Graphs = { [GraphNames.Semantic] = "semantic.onnx" } }.Write(folder);
        using var tokenizer = SemanticTokenizer.FromFragment(folder);
        Assert.Null(tokenizer.StatisticsPass);
        Assert.Equal(ReferenceTokens(), tokenizer.Tokenize(ReferenceWaveform()));
    }

    [ReferenceFact]
    public void A_statistics_graph_beside_a_semantic_graph_that_does_not_take_them_is_refused()
    {
        string folder = Import(null);
        WriteOneGraphTokenizer(folder);
        var e = Assert.Throws<ModelPackageException>(() => SemanticTokenizer.FromFragment(folder));
        Assert.Contains("extractor_mean", e.Message);
        Assert.Contains("semantic.onnx", e.Message);
    }

    // The reference HuBERT as one semantic graph that normalises over its own input (no statistics inputs).
    private static void WriteOneGraphTokenizer(string folder)
    {
        var (weights, config, _) = HubertImporter.ReadModel(ReferenceData.File("hubert", "model.pth"), ReferenceData.File("hubert", "torchaudio_config.json"));
        SemanticGraph.Build(config, weights, 2, KMeansReader.Read(ReferenceData.File("hubert", "kmeans_centroids.npy"))).Save(Path.Combine(folder, "semantic.onnx"));
    }
}
