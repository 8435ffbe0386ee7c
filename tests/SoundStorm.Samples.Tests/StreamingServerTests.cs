using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using SoundStorm.Onnx.Audio;
using SoundStorm.Tests.Shared;
using StreamingServer;

namespace SoundStorm.Samples.Tests;

/// <summary>
/// The server sample on a real socket: started in-process on 127.0.0.1 with a free port, sent real LibriVox speech and
/// bad uploads over HTTP. Every request is bounded by the client's timeout; nothing leaves the loopback interface.
/// </summary>
public sealed class StreamingServerTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>
{
    private const long MaxRequestBytes = 4L << 20;

    [ReferenceFact]
    public async Task Listens_on_loopback_and_answers_health()
    {
        await using var server = await Server.StartAsync(fixture.PackageFolder);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", server.Address);
        Assert.NotEqual(0, new Uri(server.Address).Port);
        using var response = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [ReferenceFact]
    public async Task Resynthesize_streams_a_wav_of_the_source_length()
    {
        if (RecordedSpeech.Find("0890") is not { } source || RecordedSpeech.Find("0920") is not { } prompt) return;
        await using var server = await Server.StartAsync(fixture.PackageFolder);
        using var form = Form(("source", await File.ReadAllBytesAsync(source)), ("prompt", await File.ReadAllBytesAsync(prompt)));
        using var response = await server.Client.PostAsync("/resynthesize", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var clip = WavReader.Read(new MemoryStream(body), "response", out var format);
        int frames = (WavReader.Read(source).FrameCount - 400) / 320 + 1;
        Assert.Equal(frames * 320, clip.FrameCount);
        Assert.Equal(44 + frames * 320 * 2, body.Length); // canonical 16-bit PCM: a 44-byte header, nothing else
        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(WavSampleFormat.Pcm16, format.SampleFormat);
        Assert.Equal(0.99, clip.ToMono().Max(Math.Abs), 3);
    }

    [ReferenceFact]
    public async Task Without_a_prompt_the_voice_is_the_models_choice_and_the_length_still_follows_the_source()
    {
        if (RecordedSpeech.Find("0930") is not { } source) return;
        await using var server = await Server.StartAsync(fixture.PackageFolder);
        using var form = Form(("source", await File.ReadAllBytesAsync(source)));
        using var response = await server.Client.PostAsync("/resynthesize", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var clip = WavReader.Read(await response.Content.ReadAsStreamAsync(), "response", out _);
        Assert.Equal(((WavReader.Read(source).FrameCount - 400) / 320 + 1) * 320, clip.FrameCount);
    }

    [ReferenceFact]
    public async Task Bad_uploads_are_400_with_a_message_that_says_what_is_wrong()
    {
        await using var server = await Server.StartAsync(fixture.PackageFolder);
        byte[] tone = Wav(16000);

        var problem = await BadRequest(server, Form(("source", "not audio at all"u8.ToArray()), ("prompt", tone)));
        Assert.Contains("source (source.wav)", problem);
        Assert.Contains("'RIFF'", problem);

        problem = await BadRequest(server, Form(("prompt", tone)));
        Assert.Contains("no 'source' file", problem);

        problem = await BadRequest(server, Form(("source", tone), ("prompt", [])));
        Assert.Contains("'prompt' file is empty", problem);

        problem = await BadRequest(server, Form(("source", Wav(300))));
        Assert.Contains("300 samples; at least 400", problem);

        problem = await BadRequest(server, new StringContent("""{"source": "speech.wav"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("expected multipart/form-data", problem);
        Assert.Contains("application/json", problem);
    }

    [ReferenceFact]
    public async Task Uploads_over_the_size_limit_are_413()
    {
        await using var server = await Server.StartAsync(fixture.PackageFolder);
        // Expect: 100-continue lets the server refuse on the declared length before the client sends the body, so the
        // answer arrives instead of a connection reset mid-upload.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/resynthesize") { Content = Form(("source", Wav((int)(MaxRequestBytes / 2) + 16000))) };
        request.Headers.ExpectContinue = true;
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("too large", (await response.Content.ReadFromJsonAsync<ProblemBody>())?.Detail ?? "", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> BadRequest(Server server, HttpContent content)
    {
        using (content)
        using (var response = await server.Client.PostAsync("/resynthesize", content))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
            Assert.Equal(400, problem?.Status);
            return problem?.Detail ?? "";
        }
    }

    private static MultipartFormDataContent Form(params (string Field, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, bytes) in files) form.Add(new ByteArrayContent(bytes), field, $"{field}.wav");
        return form;
    }

    private static byte[] Wav(int samples)
    {
        var stream = new MemoryStream();
        WavWriter.Write(stream, new AudioClip(Enumerable.Range(0, samples).Select(i => 0.3f * MathF.Sin(i * 0.05f)).ToArray(), 16000));
        return stream.ToArray();
    }

    private sealed record ProblemBody(int Status, string? Title, string? Detail);

    /// <summary>A started server and a client bound to it; disposing stops both.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Server(WebApplication app)
        {
            _app = app;
            Address = ResynthesisServer.Address(app);
            Client = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromSeconds(90) };
        }

        public string Address { get; }

        public HttpClient Client { get; }

        public static async Task<Server> StartAsync(string package)
        {
            var app = ResynthesisServer.Build(new ServerOptions { PackagePath = package, Port = 0, MaxRequestBytes = MaxRequestBytes });
            await app.StartAsync();
            return new Server(app);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
