using System.Diagnostics;
using System.Text;

namespace SoundStorm.Tests.Shared.LocalCluster;

/// <summary>
/// One silo of the Cluster sample as its own process (<c>dotnet Cluster.dll silo …</c>, from the caller's build
/// output), on 127.0.0.1 and free ports. <see cref="Kill"/> ends it the hard way (SIGKILL), as a crash would.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, int gatewayPort)
    {
        _process = process;
        GatewayPort = gatewayPort;
    }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The gateway port clients use.</summary>
    public int GatewayPort { get; }

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; private init; }

    /// <summary>What it printed so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts the silo and waits for its "silo ready" line.</summary>
    /// <param name="redis">The cluster's Redis address.</param>
    /// <param name="clusterId">The cluster id (one per test, so clusters never mix).</param>
    /// <param name="extraArgs">More silo options, e.g. <c>--model</c>, <c>--iterations</c>.</param>
    /// <param name="timeout">How long the start may take.</param>
    public static SiloProcess Start(string redis, string clusterId, IEnumerable<string> extraArgs, TimeSpan timeout)
    {
        int siloPort = FreePort.Next(), gatewayPort = FreePort.Next();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Cluster.dll"));
        foreach (string arg in new[] { "silo", "--redis", redis, "--cluster-id", clusterId, "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString() }.Concat(extraArgs))
            info.ArgumentList.Add(arg);
        var silo = new SiloProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), gatewayPort) { SiloPort = siloPort };
        silo._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (silo._output) silo._output.AppendLine(e.Data); };
        silo._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (silo._output) silo._output.AppendLine(e.Data); };
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !silo._process.HasExited)
        {
            if (silo.Output.Contains("silo ready", StringComparison.Ordinal)) return silo;
            Thread.Sleep(50);
        }
        string output = silo.Output;
        silo.Dispose();
        throw new InvalidOperationException($"silo on port {siloPort} was not ready within {timeout.TotalSeconds} s:\n{output}");
    }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>SIGKILL: no goodbye to the cluster, connections drop mid-call.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
