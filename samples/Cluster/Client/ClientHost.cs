using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Cluster;

/// <summary>Builds a cluster client that finds the gateways through Redis.</summary>
public static class ClientHost
{
    /// <summary>The client's host; after StartAsync, its services hold the <see cref="IClusterClient"/>.</summary>
    /// <param name="redis">The cluster's Redis server, e.g. <c>127.0.0.1:6379</c>.</param>
    /// <param name="clusterId">The cluster's id (as given to its silos).</param>
    /// <param name="responseTimeout">How long to wait for one answer (one window) before the attempt counts as lost.</param>
    public static IHost Build(string redis, string clusterId, TimeSpan responseTimeout)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId))
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout)
            // Learn of silos that joined or left within seconds rather than a minute.
            .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5)));
        return builder.Build();
    }

    /// <summary>The started host's cluster client.</summary>
    public static IClusterClient Client(IHost host) => host.Services.GetRequiredService<IClusterClient>();
}
