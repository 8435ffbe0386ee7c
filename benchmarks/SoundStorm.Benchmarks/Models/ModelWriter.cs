using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace SoundStorm.Benchmarks.Models;

/// <summary>
/// Runs SoundStorm.Benchmarks.Models, built beside this harness (see the project file), in its own process to write the
/// synthetic graphs and random-weight packages the scenarios time, so the exporter that writes them is no dependency of
/// the harness: the files on disk are the contract. Each answer is kept for the rest of the process.
/// </summary>
internal static class ModelWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<string, string> Answers = new();

    /// <summary>The writer's assembly, as the build recorded it.</summary>
    private static string Tool { get; } = typeof(ModelWriter).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "ModelWriter").Value!;

    /// <summary>Runs the writer with <paramref name="args"/> and reads the JSON line it prints last.</summary>
    /// <exception cref="InvalidOperationException">The writer failed; the message holds what it wrote to stderr.</exception>
    public static T Run<T>(params string[] args)
    {
        string answer = Answers.GetOrAdd(string.Join('\0', args), _ => Launch(args));
        return JsonSerializer.Deserialize<T>(answer, Json) ?? throw new InvalidOperationException($"The model writer answered null to {string.Join(' ', args)}.");
    }

    /// <summary>A file's path, as the writer reports one.</summary>
    public sealed record Written(string Path);

    private static string Launch(string[] args)
    {
        // dotnet run and dotnet test name the host they run under; else the one on PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string arg in (string[])["exec", Tool, .. args]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(Tool)} {string.Join(' ', args)} exited with {process.ExitCode}: {error.Result}");
        return output.TrimEnd().Split('\n')[^1];
    }
}
