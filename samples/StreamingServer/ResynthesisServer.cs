using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using SoundStorm.Onnx;

namespace StreamingServer;

/// <summary>Builds the minimal API over one shared pipeline (it is thread-safe), listening on 127.0.0.1 only.</summary>
public static class ResynthesisServer
{
    /// <summary>Loads the package and builds the app; start it with StartAsync or RunAsync. The pipeline is disposed with the app.</summary>
    public static WebApplication Build(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options.Port));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Loopback only, whatever ASPNETCORE_URLS or --urls say: explicit endpoints take precedence over them.
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxRequestBytes);
        builder.Services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = options.RequestTimeout });
        builder.Services.AddProblemDetails();

        var pipeline = SoundStormPipeline.Load(options.PackagePath, options.Pipeline);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(pipeline.Dispose);
        app.UseRequestTimeouts();
        // Slots are taken inside the endpoint, after the upload has been read: a rate-limiting middleware would admit
        // requests before their bodies arrive, and slow uploads would hold every slot.
        var slots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentRequests,
            QueueLimit = options.QueueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        app.Lifetime.ApplicationStopped.Register(slots.Dispose);

        app.MapGet("/health", () => Results.Text("ok"));
        app.MapPost("/resynthesize", (HttpRequest request, CancellationToken cancellationToken) =>
                ResynthesizeEndpoint.HandleAsync(request, pipeline, slots, options.BodyReadTimeout, options.MaxSourceSeconds, cancellationToken))
            .DisableAntiforgery();
        app.MapPost("/speak", (HttpRequest request, CancellationToken cancellationToken) =>
                SpeakEndpoint.HandleAsync(request, pipeline, slots, options.BodyReadTimeout, cancellationToken))
            .DisableAntiforgery();
        return app;
    }

    /// <summary>The address the started app listens on, e.g. http://127.0.0.1:41234 (the real port when 0 was asked for).</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? throw new InvalidOperationException("The server has no address yet: call StartAsync first.");
}
