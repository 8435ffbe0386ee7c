using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Cluster;

/// <summary>Builds a silo process: Redis membership, the model loaded once, the admission limits, the worker grain.</summary>
public static class SiloHost
{
    /// <summary>
    /// The host of one silo; start it with StartAsync or RunAsync. The model is loaded before it is returned (a bad
    /// package stops the silo before it joins the cluster) and released when the host is disposed.
    /// </summary>
    /// <exception cref="SoundStorm.Onnx.ModelPackageException">The package is missing or invalid.</exception>
    public static IHost Build(SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = new SiloModel(settings.PackagePath, settings.Pipeline);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSpeechWorkers(_ => model, settings.Running, settings.QueueLimit);
        builder.UseOrleans(silo => silo
            .UseRedisClustering(settings.Redis)
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ClusterId))
            .ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false)
            // A stream whose client is gone (killed, disconnected) holds its running slot until Orleans drops its
            // enumerator, one to two of these periods after the client's last fetch; 15 s instead of the default 30 s
            // gives slots back sooner. Streams in progress are unaffected: their fetches wait at most half of it.
            .Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15)));
        return builder.Build();
    }

    /// <summary>
    /// Registers what <see cref="SpeechWorkerGrain"/> needs: the silo's model (created once, disposed with the silo)
    /// and its admission limits (<paramref name="running"/> calls at once, <paramref name="queueLimit"/> waiting).
    /// </summary>
    public static IServiceCollection AddSpeechWorkers(this IServiceCollection services, Func<IServiceProvider, SiloModel> model, int running, int queueLimit) =>
        services
            .AddSingleton(model)
            .AddSingleton(sp => new WorkAdmission(sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.ToString(), running, queueLimit));
}
