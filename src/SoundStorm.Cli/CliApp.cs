using System.CommandLine;

namespace SoundStorm.Cli;

/// <summary>The tool as a callable: parses arguments and runs the verb (the entry point and the tests share it).</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("soundstorm: SoundStorm-style parallel speech generation on ONNX Runtime");
        foreach (var command in Commands.All()) root.Subcommands.Add(command);
        return root.Parse(args).InvokeAsync();
    }
}
