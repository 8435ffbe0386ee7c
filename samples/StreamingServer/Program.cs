using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Pipeline;

namespace StreamingServer;

/// <summary>
/// A minimal API that resynthesizes uploaded speech and streams the WAV back, bound to 127.0.0.1 only.
/// <c>POST /resynthesize</c> (multipart: <c>source</c>, <c>prompt</c> WAV files) → audio/wav; <c>GET /health</c>.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        string package = Environment.GetEnvironmentVariable("SOUNDSTORM_MODEL")
            ?? throw new InvalidOperationException("Set SOUNDSTORM_MODEL to a model package.");
        await using var app = Build(package, args.Length > 0 ? args[0] : "http://127.0.0.1:5080");
        await app.RunAsync();
    }

    /// <summary>Builds the app over one shared, thread-safe pipeline.</summary>
    public static WebApplication Build(string packagePath, string url)
    {
        var uri = new Uri(url);
        if (!System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(uri.Host)))
            throw new ArgumentException($"The sample server binds loopback addresses only; got {uri.Host}.", nameof(url));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var pipeline = SoundStormPipeline.Load(packagePath);
        app.Lifetime.ApplicationStopped.Register(pipeline.Dispose);

        app.MapGet("/health", () => Results.Text("ok"));
        app.MapPost("/resynthesize", async (HttpRequest request, HttpResponse response, CancellationToken cancellationToken) =>
        {
            if (!request.HasFormContentType) return Results.BadRequest("Send multipart/form-data with 'source' and 'prompt' WAV files.");
            var form = await request.ReadFormAsync(cancellationToken);
            AudioClip source, prompt;
            try
            {
                source = await ReadWav(form.Files["source"], "source", cancellationToken);
                prompt = await ReadWav(form.Files["prompt"], "prompt", cancellationToken);
            }
            catch (AudioFormatException e)
            {
                return Results.BadRequest(e.Message);
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(e.Message);
            }
            var audio = await pipeline.ResynthesizeAsync(source, prompt, cancellationToken: cancellationToken);
            response.ContentType = "audio/wav";
            await using var buffer = new MemoryStream();
            WavWriter.Write(buffer, audio);
            buffer.Position = 0;
            await buffer.CopyToAsync(response.Body, cancellationToken);
            return Results.Empty;
        }).DisableAntiforgery();
        return app;
    }

    private static async Task<AudioClip> ReadWav(IFormFile? file, string field, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0) throw new ArgumentException($"The form has no '{field}' file.");
        await using var upload = file.OpenReadStream();
        var copy = new MemoryStream();
        await upload.CopyToAsync(copy, cancellationToken);
        copy.Position = 0;
        return WavReader.Read(copy, field, out _);
    }
}
