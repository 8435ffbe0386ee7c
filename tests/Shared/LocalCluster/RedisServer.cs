using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SoundStorm.Tests.Shared.LocalCluster;

/// <summary>
/// A throwaway redis-server (Debian's redis-server package) on 127.0.0.1 and a free port, without persistence,
/// killed on dispose. For cluster membership in tests and benchmarks; nothing leaves the loopback interface.
/// </summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>Where Debian installs the server.</summary>
    public const string Executable = "/usr/bin/redis-server";

    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>True when <see cref="Executable"/> exists.</summary>
    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The address to give Orleans' Redis clustering.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts the server and waits until it accepts connections (at most 20 s).</summary>
    public static RedisServer Start()
    {
        if (!IsInstalled)
            throw new InvalidOperationException($"{Executable} is required (SOUNDSTORM_REQUIRE_TEST_TOOLS=1) but absent: apt-get install -y redis-server");
        int port = FreePort.Next();
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "--bind", "127.0.0.1", "--port", port.ToString(), "--save", "", "--appendonly", "no" })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{Executable} did not start");
        var server = new RedisServer(process, port);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited) break;
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        server.Dispose();
        lock (output) throw new InvalidOperationException($"redis-server did not accept connections on {port} within 20 s:\n{output}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}

/// <summary>Free TCP ports on 127.0.0.1 (asked of the kernel, so tests running side by side do not collide).</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
