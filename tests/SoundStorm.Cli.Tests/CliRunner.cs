namespace SoundStorm.Cli.Tests;

/// <summary>Runs the tool in-process with stdout/stderr captured (tests using it share one non-parallel collection).</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Error) Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs with <paramref name="cancellationToken"/> standing in for Ctrl+C.</summary>
    public static (int Code, string Out, string Error) Run(CancellationToken cancellationToken, params string[] args)
    {
        var oldOut = Console.Out; var oldError = Console.Error;
        var stdout = new StringWriter(); var stderr = new StringWriter();
        Console.SetOut(stdout); Console.SetError(stderr);
        try
        {
            int code = CliApp.RunAsync(args, cancellationToken).GetAwaiter().GetResult();
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut); Console.SetError(oldError);
        }
    }
}

[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;

internal static class Paths
{
    /// <summary>A file of the reference data (see <see cref="SoundStorm.Tests.Shared.ReferenceData"/>).</summary>
    public static string Reference(string folder, string file) => SoundStorm.Tests.Shared.ReferenceData.File(folder, file);

    /// <summary>The checkout this test binary was built from.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        throw new InvalidOperationException("tests run outside the repository");
    }

    public static string NewTemp()
    {
        string dir = Path.Combine(Path.GetTempPath(), "soundstorm-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
