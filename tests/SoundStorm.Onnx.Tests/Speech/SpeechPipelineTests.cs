#pragma warning disable MEAI001 // ITextToSpeechClient is experimental in Microsoft.Extensions.AI
using Microsoft.Extensions.AI;

namespace SoundStorm.Onnx.Tests.Speech;

/// <summary>
/// Text to speech through the whole pipeline: the shipped default model's graphs with a tiny text_to_semantic graph
/// (its inventory SIL AA B K is enough for "Bob"). Text and its phones give the same audio; the
/// Microsoft.Extensions.AI client returns that audio as WAV, streams one piece per sentence, and refuses what it cannot do.
/// </summary>
public sealed class SpeechPipelineTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();
    private readonly string _package;

    public SpeechPipelineTests() => _package = Build(withText: true);

    // The shipped model's acoustic, codec and tokenizer graphs, with the tiny text graph or without any.
    private string Build(bool withText)
    {
        string shipped = Path.Combine(RepositoryRoot(), "models", "default");
        var manifest = ModelManifest.FromJson(File.ReadAllText(Path.Combine(shipped, ModelManifest.FileName)));
        var builder = new ModelPackageBuilder(new ModelManifest
        {
            Name = "speech-test", SampleRate = manifest.SampleRate, FrameRate = manifest.FrameRate, Codebooks = manifest.Codebooks,
            CodebookSize = manifest.CodebookSize, SemanticVocabulary = manifest.SemanticVocabulary, MaskTokenId = manifest.MaskTokenId,
        });
        foreach (var (role, entry) in manifest.Graphs)
            if (role != GraphNames.TextToSemantic) builder.AddGraph(role, Path.Combine(shipped, entry.File));
        if (withText) builder.AddGraph(GraphNames.TextToSemantic, new TinyTextModel(5, manifest.SemanticVocabulary).WriteGraph(Path.Combine(_dir, "text.onnx")));
        string folder = Path.Combine(_dir, withText ? "package" : "package-without-text");
        builder.WriteFolder(folder);
        return folder;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        throw new InvalidOperationException("tests run outside the repository");
    }

    private static AudioClip Prompt() => AudioClip.ReadWav(Path.Combine(RepositoryRoot(), "samples", "audio", "carlo-it-prompt.wav"));

    [Fact]
    public async Task Text_and_its_phones_give_the_same_audio()
    {
        using var pipeline = SoundStormPipeline.Load(_package, new PipelineOptions { Generation = { Seed = 3 } });
        Assert.True(pipeline.CanSpeak);
        var fromText = await pipeline.SpeakAsync("Bob!", Prompt());
        var fromPhones = await pipeline.SpeakPhonesAsync(["SIL", "B", "AA", "B", "SIL"], Prompt());
        int frames = new TinyTextModel(5, 100).UnitsOf(["SIL", "B", "AA", "B", "SIL"], 1).Length;
        Assert.Equal(frames * 320, fromText.FrameCount);
        Assert.Equal(fromPhones.ToMono(), fromText.ToMono());
        Assert.All(fromText.ToMono(), s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public async Task The_client_returns_the_pipeline_audio_as_wav()
    {
        using var pipeline = SoundStormPipeline.Load(_package, new PipelineOptions { Generation = { Seed = 3 } });
        using var client = new SoundStormTextToSpeechClient(pipeline);
        var options = new TextToSpeechOptions { AdditionalProperties = new() { [SoundStormTextToSpeechClient.VoicePromptKey] = Prompt() } };
        var response = await client.GetAudioAsync("Bob!", options);
        var wav = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal("audio/wav", wav.MediaType);
        using var stream = new MemoryStream(wav.Data.ToArray());
        float[] received = AudioClip.ReadWav(stream, "response").ToMono();
        float[] expected = (await pipeline.SpeakAsync("Bob!", Prompt())).ToMono();
        Assert.Equal(expected.Length, received.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - received[i]) <= 1.0 / 32767, $"sample {i}: {expected[i]} vs {received[i]}");
        Assert.Same(pipeline, client.GetService(typeof(SoundStormPipeline)));
        Assert.NotNull(client.GetService(typeof(TextToSpeechClientMetadata)));
    }

    [Fact]
    public async Task Streaming_gives_one_piece_per_sentence()
    {
        using var pipeline = SoundStormPipeline.Load(_package);
        using var client = new SoundStormTextToSpeechClient(pipeline);
        var updates = new List<TextToSpeechResponseUpdate>();
        await foreach (var update in client.GetStreamingAudioAsync("Bob. Bob, Bob? Bob!")) updates.Add(update);
        Assert.Equal(3, updates.Count);
        Assert.All(updates, u => Assert.Equal(TextToSpeechResponseUpdateKind.AudioUpdating, u.Kind));
    }

    [Fact]
    public async Task The_client_refuses_what_it_cannot_do()
    {
        using var pipeline = SoundStormPipeline.Load(_package);
        using var client = new SoundStormTextToSpeechClient(pipeline);
        var french = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetAudioAsync("Bob", new TextToSpeechOptions { Language = "fr-FR" }));
        Assert.Contains("'fr-FR'", french.Message);
        var mp3 = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetAudioAsync("Bob", new TextToSpeechOptions { AudioFormat = "audio/mpeg" }));
        Assert.Contains("audio/mpeg", mp3.Message);
        var badPrompt = new TextToSpeechOptions { AdditionalProperties = new() { [SoundStormTextToSpeechClient.VoicePromptKey] = 42 } };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("Bob", badPrompt));
        Assert.Contains("Int32", e.Message);
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAudioAsync("  "));
        Assert.Contains("nothing to say", empty.Message);
    }

    [Fact]
    public void A_pipeline_that_cannot_speak_is_refused_by_the_client()
    {
        using var pipeline = SoundStormPipeline.Load(Build(withText: false));
        Assert.False(pipeline.CanSpeak);
        var e = Assert.Throws<ArgumentException>(() => new SoundStormTextToSpeechClient(pipeline));
        Assert.Contains("text_to_semantic", e.Message);
    }
}
