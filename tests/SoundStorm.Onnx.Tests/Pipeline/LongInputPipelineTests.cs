using System.Text.Json.Nodes;

namespace SoundStorm.Onnx.Tests.Pipeline;

/// <summary>
/// Long sources through the pipeline on a package of imported graphs: streaming yields what the whole-file call
/// decodes, an application's length limit and a model's one-pass limit are refused before any work with both numbers
/// named, and a package's limit field is validated like the other numbers.
/// </summary>
public sealed class LongInputPipelineTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>, IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AudioClip? Speech(int seconds) => RecordedSpeech.Looped(seconds, "0930") is { } samples ? new AudioClip(samples, 16000) : null;

    [ReferenceFact]
    public async Task Streamed_pieces_join_into_exactly_what_the_whole_file_call_decodes()
    {
        if (Speech(32) is not { } source || RecordedSpeech.Find("0870") is not { } promptPath) return;
        // 1 s windows: 0.6 s of prompt, then 0.4 s of overlap; 32 s of source is also two tokenizer chunks.
        var options = new PipelineOptions
        {
            WindowSeconds = 1, WindowOverlapSeconds = 0.4, MaxPromptSeconds = 0.6, NormalizeOutput = false,
            Generation = { FirstLevelIterations = 2, Seed = 7 },
        };
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder, options);
        var prompt = AudioClip.ReadWav(promptPath);
        float[] whole = (await pipeline.ResynthesizeAsync(source, prompt)).ToMono();
        var pieces = new List<float[]>();
        await foreach (var piece in pipeline.ResynthesizeStreamingAsync(source, prompt)) pieces.Add(piece.ToMono());

        Assert.True(pieces.Count > 40, $"{pieces.Count} pieces");
        float[] joined = pieces.SelectMany(p => p).ToArray();
        Assert.Equal(whole.Length, joined.Length);
        for (int i = 0; i < whole.Length; i++)
            Assert.True(Math.Abs(whole[i] - joined[i]) <= 1e-5f, $"sample {i}: streamed {joined[i]}, whole {whole[i]}");
    }

    [ReferenceFact]
    public async Task Resynthesis_to_a_file_writes_the_whole_file_calls_normalised_audio_and_leaves_nothing_when_cancelled()
    {
        if (Speech(12) is not { } source || RecordedSpeech.Find("0870") is not { } promptPath) return;
        var options = new PipelineOptions
        {
            WindowSeconds = 2, WindowOverlapSeconds = 0.4, MaxPromptSeconds = 0.6,
            Generation = { FirstLevelIterations = 2, Seed = 5 },
        };
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder, options);
        var prompt = AudioClip.ReadWav(promptPath);
        float[] whole = (await pipeline.ResynthesizeAsync(source, prompt)).ToMono();
        string output = Path.Combine(_dir, "out.wav");
        var written = await pipeline.ResynthesizeToFileAsync(source, prompt, output);

        var file = AudioClip.ReadWav(output);
        Assert.Equal(16000, file.SampleRate);
        Assert.Equal(whole.Length, file.FrameCount);
        Assert.Equal(whole.Length / 16000.0, written.TotalSeconds, 9);
        float[] samples = file.ToMono();
        // 16-bit rounding of the same normalised samples (the windows' decoder rounding is far below one step).
        for (int i = 0; i < whole.Length; i++)
            Assert.True(Math.Abs(whole[i] - samples[i]) <= 1.01f / 32768, $"sample {i}: file {samples[i]}, whole {whole[i]}");
        Assert.Equal(0.99f, samples.Max(Math.Abs), 3);

        using var cancel = new CancellationTokenSource();
        var progress = new CancelOnFirstReport(cancel); // synchronous: Progress<T> would post the call after the test ends
        string cancelled = Path.Combine(_dir, "cancelled.wav");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.ResynthesizeToFileAsync(source, prompt, cancelled, progress, cancel.Token));
        Assert.Equal([output], Directory.GetFiles(_dir));
    }

    [ReferenceFact]
    public async Task A_source_over_the_applications_limit_is_refused_at_once_naming_both_durations()
    {
        if (Speech(5) is not { } source) return;
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder, new PipelineOptions { MaxInputSeconds = 2 });
        var e = Assert.Throws<ArgumentException>(() => { _ = pipeline.ResynthesizeAsync(source); });
        Assert.Contains("The source is 5.0 s long; this pipeline accepts at most 2 s", e.Message);
        var streamed = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in pipeline.ResynthesizeStreamingAsync(source)) { }
        });
        Assert.Equal(e.Message, streamed.Message);
    }

    [ReferenceFact]
    public async Task A_models_one_pass_limit_sizes_the_windows_and_a_longer_window_is_refused_naming_it()
    {
        if (Speech(5) is not { } source) return;
        string package = WithManifest(m => m["maxGeneratedFrames"] = 100);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SoundStormPipeline.Load(package, new PipelineOptions { WindowSeconds = 5 }).Dispose());
        Assert.Contains("WindowSeconds 5 s is longer than this model generates in one pass: 100 frames (2 s", e.Message);

        using var loaded = ModelPackage.Load(package);
        using var generator = new SoundStormGenerator(loaded);
        Assert.Equal(100, generator.MaxGeneratedFrames);
        var single = Assert.Throws<ArgumentException>(() => generator.Generate(new GenerationRequest(new long[150])));
        Assert.Contains("at most 100 frames (2 s) in one pass", single.Message);

        // The default windows fit the limit: 5 s (249 frames) in windows of 100, each after the first with 50 frames of
        // the one before; the first is a third as long (33 frames), the second takes all of them as its prompt:
        // 33, 100, 150, 200, 249 frames done.
        var windows = new List<GenerationProgress>();
        using var pipeline = new SoundStormPipeline(loaded, new PipelineOptions { Generation = { FirstLevelIterations = 2 } });
        var audio = await pipeline.ResynthesizeAsync(source, null, new Recorder(windows));
        Assert.Equal(249 * 320, audio.FrameCount);
        Assert.Equal(5, windows[^1].Windows);
    }

    [ReferenceTheory]
    [InlineData("maxGeneratedFrames", 0, "an integer ≥ 1")]
    [InlineData("maxPromptFrames", -3, "an integer ≥ 1")]
    [InlineData("codecContextFrames", -1, "an integer ≥ 0")]
    public void A_limit_field_out_of_range_is_named(string field, int value, string expected)
    {
        string package = WithManifest(m => m[field] = value);
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(package).Dispose());
        Assert.Equal(field, e.Field);
        Assert.Contains(expected, e.Message);
    }

    // A copy of the fixture package with its manifest edited (the manifest carries the graphs' hashes, not its own).
    private string WithManifest(Action<JsonObject> edit)
    {
        string folder = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(fixture.PackageFolder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        string manifest = Path.Combine(folder, ModelManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        edit(json);
        File.WriteAllText(manifest, json.ToJsonString());
        return folder;
    }

    private sealed class Recorder(List<GenerationProgress> into) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => into.Add(value);
    }

    // Cancels on the generating thread at the first step reported.
    private sealed class CancelOnFirstReport(CancellationTokenSource source) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => source.Cancel();
    }
}
