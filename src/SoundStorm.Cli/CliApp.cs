using System.CommandLine;
using Spectre.Console;

namespace SoundStorm.Cli;

/// <summary>The tool as a callable: parses arguments and runs the verb (the entry point and the tests share it).</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args)
    {
        // Spectre's static console binds to the Console.Out of its first use; rebind it so tables and progress go
        // where this invocation's Console.Out points (the tests swap it per run).
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var root = new RootCommand("soundstorm: SoundStorm-style parallel speech generation on ONNX Runtime");
        foreach (var command in Commands.All()) root.Subcommands.Add(command);
        return root.Parse(args).InvokeAsync();
    }
}
