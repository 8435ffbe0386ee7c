using System.Net;
using Microsoft.Extensions.Hosting;
using SoundStorm.Onnx;

namespace Cluster;

/// <summary>
/// <c>Cluster silo --redis HOST:PORT [--model PACKAGE] [--address IP] [--silo-port N] [--gateway-port N] [--running N] [--queue N] [--iterations N] [--window SECONDS] [--cluster-id ID]</c>
/// runs one silo until Ctrl+C or SIGTERM;
/// <c>Cluster send --redis HOST:PORT --input DIR --output DIR [--prompt WAV] [--seed N] [--parallel N] [--cluster-id ID] [--timeout SECONDS]</c>
/// resynthesizes a folder of WAV files through the cluster.
/// Exit codes: 0 done, 1 some files failed, 2 bad command line or model package, 130 stopped by Ctrl+C.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: Cluster silo --redis HOST:PORT [--model PACKAGE] [--address IP] [--silo-port N] [--gateway-port N] [--running N] [--queue N] [--iterations N] [--window SECONDS] [--cluster-id ID]
               Cluster send --redis HOST:PORT --input DIR --output DIR [--prompt WAV] [--seed N] [--parallel N] [--cluster-id ID] [--timeout SECONDS]
        """;

    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        try
        {
            var a = new Arguments(args);
            return args.FirstOrDefault() switch
            {
                "silo" => await RunSiloAsync(a, stop.Token),
                "send" => await SendCommand.RunAsync(a, stop.Token),
                _ => throw new UsageException("the first argument is the verb: silo or send"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}\n{Usage}");
            return 2;
        }
        catch (Exception e) when (e is ModelPackageException or AudioFormatException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 130;
        }
    }

    private static async Task<int> RunSiloAsync(Arguments a, CancellationToken stop)
    {
        string address = a.Text("--address") ?? "127.0.0.1";
        var settings = new SiloSettings
        {
            Redis = a.Required("--redis"),
            PackagePath = a.Text("--model") ?? SoundStorm.Samples.DefaultPackage.Find()
                ?? throw new UsageException("--model is required outside a checkout (or set SOUNDSTORM_MODEL)"),
            Address = IPAddress.TryParse(address, out var ip) ? ip : throw new UsageException($"--address must be an IP address, got '{address}'"),
            SiloPort = a.Number("--silo-port", 11111, 1),
            GatewayPort = a.Number("--gateway-port", 30000, 1),
            Running = a.Number("--running", Environment.ProcessorCount, 1),
            QueueLimit = a.Number("--queue", 8, 0),
            ClusterId = a.Text("--cluster-id") ?? "soundstorm",
            Pipeline = SiloModel.ServingOptions(a.Number("--iterations", 16, 1), a.Number("--window", 10.0, 1.0)),
        };
        using var host = SiloHost.Build(settings);
        await host.StartAsync(stop);
        Console.WriteLine($"silo ready: {settings.Address}:{settings.SiloPort}, gateway {settings.GatewayPort}, pid {Environment.ProcessId}, " +
                          $"{settings.Running} running + {settings.QueueLimit} queued, model {settings.PackagePath}");
        // Until SIGTERM or Ctrl+C; stopping leaves the cluster cleanly, so nobody waits for the silo to be declared dead.
        await host.WaitForShutdownAsync(stop);
        return 0;
    }
}
