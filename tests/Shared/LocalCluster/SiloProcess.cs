namespace SoundStorm.Tests.Shared.LocalCluster;

/// <summary>One silo of the Cluster sample as its own process, on 127.0.0.1 and free ports.</summary>
public sealed class SiloProcess : IDisposable
{
    private SiloProcess(ClusterProcess process, int siloPort, int gatewayPort) => (Process, SiloPort, GatewayPort) = (process, siloPort, gatewayPort);

    /// <summary>The running program.</summary>
    public ClusterProcess Process { get; }

    /// <summary>Silo-to-silo port; the silo's name in the sample's output is 127.0.0.1:SiloPort.</summary>
    public int SiloPort { get; }

    /// <summary>The gateway port clients use.</summary>
    public int GatewayPort { get; }

    /// <summary>Starts the silo and waits for its "silo ready" line.</summary>
    /// <param name="redis">The cluster's Redis address.</param>
    /// <param name="clusterId">The cluster id (one per test, so clusters never mix).</param>
    /// <param name="extraArgs">More silo options, e.g. <c>--model</c>, <c>--iterations</c>.</param>
    /// <param name="timeout">How long the start may take.</param>
    public static SiloProcess Start(string redis, string clusterId, IEnumerable<string> extraArgs, TimeSpan timeout)
    {
        int siloPort = FreePort.Next(), gatewayPort = FreePort.Next();
        var process = new ClusterProcess(new[] { "silo", "--redis", redis, "--cluster-id", clusterId, "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString() }
            .Concat(extraArgs));
        if (process.WaitFor(o => o.Contains("silo ready", StringComparison.Ordinal), timeout)) return new SiloProcess(process, siloPort, gatewayPort);
        string output = process.Output;
        process.Dispose();
        throw new InvalidOperationException($"silo on port {siloPort} was not ready within {timeout.TotalSeconds} s:\n{output}");
    }

    /// <summary>The silo's name as the sample prints it.</summary>
    public string Name => $"127.0.0.1:{SiloPort}";

    /// <inheritdoc />
    public void Dispose() => Process.Dispose();
}
