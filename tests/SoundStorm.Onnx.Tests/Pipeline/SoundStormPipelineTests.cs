namespace SoundStorm.Onnx.Tests.Pipeline;

/// <summary>
/// Real recorded speech (Debian pocketsphinx-testdata, LibriVox; alsa-utils at 48 kHz) through tokenize → decode and
/// through resynthesize on a package of imported graphs. The acoustic model has random weights, so what is asserted is
/// the plumbing: shapes, rates, durations, ranges and finite samples.
/// </summary>
public sealed class SoundStormPipelineTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>
{
    private static AudioClip? Speech(string name) => RecordedSpeech.Find(name) is { } path ? AudioClip.ReadWav(path) : null;

    [ReferenceFact]
    public async Task Tokenize_and_codec_round_trip_of_real_speech_have_the_expected_shapes()
    {
        if (Speech("0930") is not { } clip) return;
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder);
        int n = clip.FrameCount;
        long[] semantic = await pipeline.TokenizeAsync(clip);
        Assert.Equal((n - 400) / 320 + 1, semantic.Length);
        Assert.All(semantic, t => Assert.InRange(t, 0, 31));

        CodeGrid codes = await pipeline.EncodeAsync(clip);
        Assert.Equal(n / 320, codes.Frames);
        Assert.Equal(4, codes.Codebooks);
        foreach (long c in codes.AsSpan()) Assert.InRange(c, 0, 1023);

        var decoded = await pipeline.DecodeAsync(codes);
        Assert.Equal(16000, decoded.SampleRate);
        Assert.Equal(codes.Frames * 320, decoded.FrameCount);
        Assert.All(decoded.ToMono(), v => Assert.True(float.IsFinite(v) && Math.Abs(v) <= 0.99f + 1e-6f));
    }

    [ReferenceFact]
    public async Task Resynthesis_with_a_prompt_from_another_utterance_gives_audio_of_the_source_length()
    {
        if (Speech("0880") is not { } source || Speech("0920") is not { } prompt) return;
        var options = new PipelineOptions { Generation = { Seed = 4, FirstLevelIterations = 4 } };
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder, options);
        var steps = new List<int>();
        var audio = await pipeline.ResynthesizeAsync(source, prompt, new SynchronousProgress(p => steps.Add(p.Step)));
        int frames = (source.FrameCount - 400) / 320 + 1;
        Assert.Equal(frames * 320, audio.FrameCount);
        Assert.Equal(16000, audio.SampleRate);
        float[] samples = audio.ToMono();
        Assert.All(samples, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0.99, samples.Max(Math.Abs), 4);
        Assert.Equal(Enumerable.Range(1, 4 + 3), steps); // 4 iterations on level 0, one on each of the 3 finer levels

        var again = await pipeline.ResynthesizeAsync(source, prompt);
        Assert.Equal(samples, again.ToMono());
    }

    [ReferenceFact]
    public async Task Audio_at_48kHz_is_resampled_before_tokenizing()
    {
        const string path = "/usr/share/sounds/alsa/Front_Center.wav";
        if (!File.Exists(path))
        {
            Assert.False(Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") == "1", $"{path} missing: apt-get install alsa-utils");
            return;
        }
        var clip = AudioClip.ReadWav(path);
        Assert.Equal(48000, clip.SampleRate);
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder);
        long[] tokens = await pipeline.TokenizeAsync(clip);
        int samples16k = (int)Math.Ceiling(clip.FrameCount / 3.0);
        Assert.Equal((samples16k - 400) / 320 + 1, tokens.Length);
    }

    [ReferenceFact]
    public async Task Streaming_resynthesis_yields_one_piece_per_window_adding_up_to_the_source_length()
    {
        if (Speech("0930") is not { } source || Speech("0870") is not { } prompt) return;
        // The prompt must fit in a window with room to generate: 0.6 s of prompt in 1 s windows.
        var options = new PipelineOptions { WindowSeconds = 1, WindowOverlapSeconds = 0.4, MaxPromptSeconds = 0.6, Generation = { FirstLevelIterations = 2 } };
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder, options);
        int frames = (source.FrameCount - 400) / 320 + 1;
        var pieces = new List<AudioClip>();
        await foreach (var piece in pipeline.ResynthesizeStreamingAsync(source, prompt)) pieces.Add(piece);

        // Window 1: 29 prompt frames + 21 new; later windows: 20 frames of the one before as prompt + 30 new.
        Assert.True(pieces.Count >= 4, $"{pieces.Count} pieces for {frames} frames in 1 s windows");
        Assert.Equal(frames * 320, pieces.Sum(p => p.FrameCount));
        Assert.All(pieces, p => Assert.All(p.ToMono(), v => Assert.True(float.IsFinite(v))));
    }

    [ReferenceFact]
    public async Task A_request_built_with_a_seed_streams_the_same_audio_as_resynthesis_with_that_seed()
    {
        if (Speech("0930") is not { } source || Speech("0870") is not { } prompt) return;
        var options = new PipelineOptions { WindowSeconds = 1.5, WindowOverlapSeconds = 0.4, MaxPromptSeconds = 0.6, Generation = { Seed = 11, FirstLevelIterations = 2 } };
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder, options);
        var expected = await Collect(pipeline.ResynthesizeStreamingAsync(source, prompt));

        // The seed travels with the request, whatever the pipeline's own seed option says.
        using var other = SoundStormPipeline.Load(fixture.PackageFolder, new PipelineOptions
        {
            WindowSeconds = 1.5, WindowOverlapSeconds = 0.4, MaxPromptSeconds = 0.6, Generation = { Seed = 99, FirstLevelIterations = 2 },
        });
        var request = await other.CreateRequestAsync(source, prompt, seed: 11);
        Assert.Equal(11UL, request.Seed);
        Assert.Equal((source.FrameCount - 400) / 320 + 1, request.Semantic.Length);
        Assert.Equal(request.PromptSemantic!.Length, request.PromptAcoustic!.Frames);
        Assert.Equal(expected, await Collect(other.GenerateStreamingAsync(request)));

        var reseeded = await other.CreateRequestAsync(source, prompt, seed: 12);
        Assert.NotEqual(expected, await Collect(other.GenerateStreamingAsync(reseeded)));
    }

    [ReferenceFact]
    public async Task Token_requests_out_of_range_are_refused_naming_the_token()
    {
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder);
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            await foreach (var _ in pipeline.GenerateStreamingAsync(new SoundStorm.Onnx.GenerationRequest([1, 2, 32, 3]))) { }
        });
        Assert.Contains("Semantic[2] = 32 is outside the semantic vocabulary 0..31", e.Message);
    }

    private static async Task<float[]> Collect(IAsyncEnumerable<AudioClip> pieces)
    {
        var all = new List<float>();
        await foreach (var piece in pieces) all.AddRange(piece.ToMono());
        return [.. all];
    }

    [ReferenceFact]
    public async Task A_prompt_longer_than_the_window_is_named_in_the_error()
    {
        if (Speech("0930") is not { } source || Speech("0870") is not { } prompt) return;
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder, new PipelineOptions { WindowSeconds = 1 });
        var e = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in pipeline.ResynthesizeStreamingAsync(source, prompt)) { }
        });
        Assert.Contains("must be shorter than the window (50 frames)", e.Message);
    }

    [ReferenceFact]
    public async Task Too_short_source_is_a_clear_error()
    {
        using var pipeline = SoundStormPipeline.Load(fixture.PackageFolder);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => pipeline.ResynthesizeAsync(new AudioClip(new float[300], 16000)));
        Assert.Contains("300 samples; at least 400", e.Message);
    }

    private sealed class SynchronousProgress(Action<SoundStorm.Onnx.GenerationProgress> report) : IProgress<SoundStorm.Onnx.GenerationProgress>
    {
        public void Report(SoundStorm.Onnx.GenerationProgress value) => report(value);
    }
}
