using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
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
        var clip = AudioClip.ReadWav(new MemoryStream(body), "response");
        int frames = (AudioClip.ReadWav(source).FrameCount - 400) / 320 + 1;
        Assert.Equal(frames * 320, clip.FrameCount);
        Assert.Equal(44 + frames * 320 * 2, body.Length); // canonical 16-bit PCM: a 44-byte header, nothing else
        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal((1, 16), (body[20] | body[21] << 8, body[34] | body[35] << 8)); // format tag PCM, 16 bits per sample
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
        var clip = AudioClip.ReadWav(await response.Content.ReadAsStreamAsync(), "response");
        Assert.Equal(((AudioClip.ReadWav(source).FrameCount - 400) / 320 + 1) * 320, clip.FrameCount);
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

        // A WAV whose header announces more samples than it holds: refused rather than resynthesized in part.
        byte[] cut = Wav(16000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(40), 2 * 32000);
        problem = await BadRequest(server, Form(("source", cut)));
        Assert.Contains("source (source.wav): invalid WAV field 'data chunk size'", problem);
        Assert.Contains("declares 32000 frames (2.00 s) but the file holds 16000 (1.00 s): the file is truncated", problem);

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

    [Fact]
    public async Task Slow_uploads_are_cut_off_at_the_deadline_without_taking_the_slots_of_other_requests()
    {
        // One slot, no queue: a slow upload that held the slot while its body trickled in would turn the quick
        // request below into a 503.
        await using var server = await Server.StartAsync(fixture.PackageFolder, o => new ServerOptions
        {
            PackagePath = o.PackagePath, Port = 0, MaxRequestBytes = MaxRequestBytes,
            MaxConcurrentRequests = 1, QueueLength = 0, BodyReadTimeout = TimeSpan.FromSeconds(3),
        });
        var port = new Uri(server.Address).Port;
        var slow = Enumerable.Range(0, 3).Select(_ => SlowUpload.StartAsync(port)).ToArray();
        await Task.Delay(700); // the slow uploads are inside the server, reading their bodies

        var started = DateTime.UtcNow;
        var problem = await BadRequest(server, Form(("source", "not audio at all"u8.ToArray())));
        Assert.Contains("'RIFF'", problem);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2), "the quick request waited for the slow uploads");

        // Each slow upload is cut off at its deadline (Kestrel cannot answer a request whose body read was cancelled);
        // without the deadline it would hold its connection for the 250 s its 100 kB take at 400 B/s.
        foreach (var upload in slow)
        {
            var (answer, open) = await upload.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("", answer);
            Assert.InRange(open, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10));
        }
    }

    [Theory]
    [InlineData("--cut\r\nContent-Disposition: form-data; name=\"source\"; filename=\"s.wav\"\r\n\r\nRIFF1234WAVE")]
    [InlineData("--cut\r\nContent-Disposition: form-da")]
    [InlineData("no boundary anywhere in this body")]
    public async Task Malformed_multipart_is_400_problem_json(string body)
    {
        await using var server = await Server.StartAsync(fixture.PackageFolder);
        var content = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=cut");
        var problem = await BadRequest(server, content);
        Assert.Contains("the multipart body could not be read", problem);
    }

    [ReferenceFact]
    public async Task A_tiny_upload_claiming_a_long_duration_is_refused_from_its_header_at_once()
    {
        // 284 bytes: a 44-byte header and 240 one-byte samples at 1 Hz, 4 minutes of "audio" that resampling to 16 kHz
        // would blow up to 3.84 million samples. The header alone decides.
        byte[] tiny = new byte[284];
        "RIFF"u8.CopyTo(tiny);
        WriteU32(tiny, 4, 284 - 8);
        "WAVEfmt "u8.CopyTo(tiny.AsSpan(8));
        WriteU32(tiny, 16, 16);      // fmt chunk size
        tiny[20] = 1; tiny[22] = 1;  // PCM, mono
        WriteU32(tiny, 24, 1);       // sample rate
        WriteU32(tiny, 28, 1);       // byte rate
        tiny[32] = 1; tiny[34] = 8;  // block align, bits per sample
        "data"u8.CopyTo(tiny.AsSpan(36));
        WriteU32(tiny, 40, 240);
        tiny.AsSpan(44).Fill(128);   // silence in unsigned 8-bit
        Assert.Equal(284, tiny.Length);

        await using var server = await Server.StartAsync(fixture.PackageFolder);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var problem = await BadRequest(server, Form(("source", tiny)));
        Assert.Contains("source (source.wav): invalid WAV field 'data chunk size': expected at most 120 s of audio, found 240.0 s (240 frames at 1 Hz)", problem);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {clock.Elapsed}");
    }

    private static void WriteU32(byte[] bytes, int offset, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

    [ReferenceFact]
    public async Task Speak_is_404_when_the_package_cannot_speak()
    {
        await using var server = await Server.StartAsync(fixture.PackageFolder);
        using var form = new MultipartFormDataContent { { new StringContent("Hello."), "text" } };
        using var response = await server.Client.PostAsync("/speak", form);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("text_to_semantic", (await response.Content.ReadFromJsonAsync<ProblemBody>())?.Detail);
    }

    [Fact]
    public async Task Speak_answers_a_wav_of_the_text_in_the_prompt_voice_with_the_default_model()
    {
        string root = RepositoryRoot();
        await using var server = await Server.StartAsync(Path.Combine(root, "models", "default"));
        using var form = new MultipartFormDataContent { { new StringContent("Please enter a new extension."), "text" } };
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(root, "samples", "audio", "carlo-it-prompt.wav"))), "prompt", "prompt.wav");
        using var response = await server.Client.PostAsync("/speak", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        var audio = AudioClip.ReadWav(await response.Content.ReadAsStreamAsync(), "response");
        Assert.Equal(16000, audio.SampleRate);
        Assert.InRange(audio.Duration.TotalSeconds, 0.5, 10); // a short sentence, not a runaway
        Assert.All(audio.ToMono(), v => Assert.True(float.IsFinite(v)));

        using var noText = new MultipartFormDataContent { { new ByteArrayContent(Wav(16000)), "prompt", "prompt.wav" } };
        using var refused = await server.Client.PostAsync("/speak", noText);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("no 'text' field", (await refused.Content.ReadFromJsonAsync<ProblemBody>())?.Detail);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        throw new InvalidOperationException("tests run outside the repository");
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
        new AudioClip(Enumerable.Range(0, samples).Select(i => 0.3f * MathF.Sin(i * 0.05f)).ToArray(), 16000).WriteWav(stream);
        return stream.ToArray();
    }

    private sealed record ProblemBody(int Status, string? Title, string? Detail);

    /// <summary>
    /// A raw HTTP/1.1 upload that announces a 100 kB multipart body and sends 40 bytes every 100 ms (400 B/s, above
    /// Kestrel's minimum body data rate of 240 B/s) until the server answers or closes the connection; the task yields
    /// what the server sent and how long the connection stayed open.
    /// </summary>
    private static class SlowUpload
    {
        private static readonly byte[] Trickle = new byte[40];

        public static async Task<(string Answer, TimeSpan Open)> StartAsync(int port)
        {
            var started = DateTime.UtcNow;
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                "POST /resynthesize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=slow\r\n"
                + "Content-Length: 100000\r\n\r\n--slow\r\nContent-Disposition: form-data; name=\"source\"; filename=\"s.wav\"\r\n\r\n"));
            using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var answer = ReadUntilClosedAsync(stream, giveUp.Token);
            try
            {
                while (!answer.IsCompleted)
                {
                    await stream.WriteAsync(Trickle, giveUp.Token);
                    await Task.WhenAny(answer, Task.Delay(100, giveUp.Token));
                }
            }
            catch (IOException)
            {
                // The server closed the connection.
            }
            return (await answer, DateTime.UtcNow - started);
        }

        private static async Task<string> ReadUntilClosedAsync(Stream stream, CancellationToken cancellationToken)
        {
            var text = new System.Text.StringBuilder();
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                    text.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
            }
            catch (IOException)
            {
                // A reset: the server closed the connection while the client was still sending.
            }
            return text.ToString();
        }
    }

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

        public static async Task<Server> StartAsync(string package, Func<ServerOptions, ServerOptions>? configure = null)
        {
            var options = new ServerOptions { PackagePath = package, Port = 0, MaxRequestBytes = MaxRequestBytes };
            var app = ResynthesisServer.Build(configure?.Invoke(options) ?? options);
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
