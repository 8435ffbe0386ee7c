using SoundStorm.Onnx;

namespace StreamingServer;

/// <summary>
/// <c>StreamingServer [--model PACKAGE] [--port N]</c> (PACKAGE defaults to SOUNDSTORM_MODEL, then, from a checkout,
/// models/default; the port to 5080):
/// serves <c>POST /resynthesize</c>, <c>POST /speak</c> (when the package has a text_to_semantic graph) and <c>GET /health</c> on http://127.0.0.1:PORT until Ctrl+C.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string? package = Option(args, "--model") ?? SoundStorm.Samples.DefaultPackage.Find();
        string? portText = Option(args, "--port");
        if (string.IsNullOrWhiteSpace(package) || (portText is not null && !int.TryParse(portText, out _)))
        {
            Console.Error.WriteLine("usage: StreamingServer [--model PACKAGE] [--port N]   (PACKAGE: model folder or .zip; default $SOUNDSTORM_MODEL, then the checkout's models/default)");
            return 2;
        }
        WebApplication app;
        try
        {
            app = ResynthesisServer.Build(new ServerOptions { PackagePath = package, Port = portText is null ? 5080 : int.Parse(portText) });
        }
        catch (ModelPackageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        await using var running = app;
        await app.StartAsync();
        Console.WriteLine($"listening on {ResynthesisServer.Address(app)}; Ctrl+C stops");
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
