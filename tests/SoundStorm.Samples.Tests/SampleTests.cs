using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Tests.Pipeline;

namespace SoundStorm.Samples.Tests;

/// <summary>The samples run as a user runs them, on real speech and a package of imported graphs.</summary>
public sealed class SampleTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>
{
    private const string Source = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0890.wav";
    private const string Prompt = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0920.wav";

    private static bool HaveSpeech()
    {
        if (File.Exists(Source) && File.Exists(Prompt)) return true;
        Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS"));
        return false;
    }

    [Fact]
    public async Task Console_sample_writes_the_resynthesized_wav()
    {
        if (!HaveSpeech()) return;
        string output = Path.Combine(Path.GetTempPath(), $"sample-{Guid.NewGuid():N}.wav");
        var log = new StringWriter();
        try
        {
            int code = await VoiceResynthesis.Program.RunAsync([Source, Prompt, output, fixture.PackageFolder], log, CancellationToken.None);
            Assert.True(code == 0, log.ToString());
            int frames = (WavReader.Read(Source).FrameCount - 400) / 320 + 1;
            Assert.Equal(frames * 320, WavReader.Read(output).FrameCount);
            Assert.Contains("step 1/", log.ToString());
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Server_streams_a_wav_for_uploaded_speech_and_refuses_bad_uploads()
    {
        if (!HaveSpeech()) return;
        await using var app = StreamingServer.Program.Build(fixture.PackageFolder, "http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            string address = app.Services.GetService(typeof(IServer)) is IServer server
                ? server.Features.Get<IServerAddressesFeature>()!.Addresses.First() : throw new InvalidOperationException("no server");
            Assert.StartsWith("http://127.0.0.1:", address);
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            Assert.Equal("ok", await client.GetStringAsync("/health"));

            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(await File.ReadAllBytesAsync(Source)), "source", "source.wav" },
                { new ByteArrayContent(await File.ReadAllBytesAsync(Prompt)), "prompt", "prompt.wav" },
            };
            using var response = await client.PostAsync("/resynthesize", form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
            var clip = WavReader.Read(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), "response", out _);
            Assert.Equal(((WavReader.Read(Source).FrameCount - 400) / 320 + 1) * 320, clip.FrameCount);

            using var bad = new MultipartFormDataContent
            {
                { new ByteArrayContent("not audio at all"u8.ToArray()), "source", "source.wav" },
                { new ByteArrayContent(await File.ReadAllBytesAsync(Prompt)), "prompt", "prompt.wav" },
            };
            using var refused = await client.PostAsync("/resynthesize", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("source", await refused.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
