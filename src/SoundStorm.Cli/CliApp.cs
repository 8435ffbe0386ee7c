using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;

namespace SoundStorm.Cli;

/// <summary>The tool as a callable: parses arguments and runs the verb (the entry point and the tests share it).</summary>
internal static class CliApp
{
    /// <summary>Runs one invocation; <paramref name="cancellationToken"/> stops a cancellable verb as Ctrl+C does (exit code 130).</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        // Spectre's static console binds to the Console.Out of its first use; rebind it so tables and progress go
        // where this invocation's Console.Out points (the tests swap it per run).
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // ONNX Runtime writes its own coloured log line to the process's stderr before throwing; the exception already
        // says the same, and the contract is one error line. Fatal errors (which do not throw) still show.
        OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        var root = new RootCommand("soundstorm: SoundStorm-style parallel speech generation on ONNX Runtime");
        foreach (var command in Commands.All()) root.Subcommands.Add(command);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0) return Task.FromResult(ParseError(parsed));
        // Ctrl+C is handled by the verbs that can stop cleanly (CtrlC); the rest keep the default (the process ends).
        return parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellationToken);
    }

    // System.CommandLine prints every parse error and then the help text (on stdout) and exits 1; the contract for bad
    // input is one error line on stderr and exit code 2, so the help is only named.
    private static int ParseError(ParseResult parsed)
    {
        var verbs = new List<string>();
        for (var result = parsed.CommandResult; result is { Command: not RootCommand }; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            verbs.Insert(0, result.Command.Name);
        string help = string.Join(" ", ["soundstorm", .. verbs, "--help"]);
        Console.Error.WriteLine($"error: {string.Join(" ", parsed.Errors.Select(e => e.Message))} (see '{help}')");
        return 2;
    }
}
