using System.CommandLine;
using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Cli;

/// <summary><c>soundstorm info</c>: what this machine's ONNX Runtime offers.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the execution providers this machine's ONNX Runtime offers.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"ONNX Runtime providers: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
            return 0;
        });
        return command;
    }
}
