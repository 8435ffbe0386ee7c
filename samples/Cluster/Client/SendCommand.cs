using SoundStorm.Onnx;
using Spectre.Console;

namespace Cluster;

/// <summary>The <c>send</c> verb: a folder of WAV files through the cluster, with a progress bar on a terminal.</summary>
internal static class SendCommand
{
    public static async Task<int> RunAsync(Arguments a, CancellationToken stop)
    {
        string redis = a.Required("--redis"), input = a.Required("--input"), outputPath = a.Required("--output");
        if (!Directory.Exists(input)) throw new DirectoryNotFoundException($"--input: '{input}' is not a folder");
        AudioClip? prompt = a.Text("--prompt") is { } promptPath ? AudioClip.ReadWav(promptPath) : null;
        ulong seed = a.Number("--seed", 0UL, 0UL);
        int parallel = a.Number("--parallel", 4, 1);
        var timeout = TimeSpan.FromSeconds(a.Number("--timeout", 60, 1));

        using var host = ClientHost.Build(redis, a.Text("--cluster-id") ?? "soundstorm", timeout);
        await host.StartAsync(stop);
        var sender = new FolderSender(new RetryingSpeechClient(ClientHost.Client(host)), new OutputFolder(outputPath));
        var pending = sender.Pending(input);
        int total = Directory.EnumerateFiles(input, "*.wav").Count();
        Console.WriteLine($"{total} files, {total - pending.Count} already done, {pending.Count} to send");

        IReadOnlyList<FileOutcome> outcomes;
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            outcomes = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("resynthesizing", maxValue: Math.Max(1, pending.Count));
                    return await sender.SendAsync(pending, prompt, seed, parallel, _ => bar.Increment(1), stop);
                });
        }
        else
        {
            // Not a terminal (a log, a test): one line per file instead of a bar.
            outcomes = await sender.SendAsync(pending, prompt, seed, parallel, Report, stop);
        }
        await host.StopAsync(CancellationToken.None);

        foreach (var failed in outcomes.Where(o => o.Error is not null))
            Console.Error.WriteLine($"failed: {Path.GetFileName(failed.Input)}: {failed.Error}");
        int written = outcomes.Count(o => o.Written), errors = outcomes.Count(o => o.Error is not null);
        Console.WriteLine($"done: {written} written, {total - written - errors} already there, {errors} failed");
        return errors == 0 ? 0 : 1;
    }

    private static void Report(FileOutcome o)
    {
        string what = o.Error is not null ? "failed" : o.Written ? "written" : "already there";
        string retried = o.Retried.Count == 0 ? "" : $"; retried after {string.Join(", ", o.Retried)}";
        lock (Console.Out) Console.WriteLine($"{what}: {Path.GetFileName(o.Input)} (silo {o.Silo}, attempt {o.Attempts}{retried})");
    }
}
