using System.CommandLine;

namespace SoundStorm.Cli;

/// <summary>The verbs of the tool; each lives in its own file.</summary>
internal static class Commands
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return RunGraphCommand.Create();
        yield return ImportCommand.Create();
        yield return GenerateCommand.Create();
        yield return PackCommand.Create();
        yield return DecodeCommand.Create();
        yield return AudioCommands.Tokenize();
        yield return EncodeCommand.Create();
        yield return AudioCommands.Resynthesize();
        yield return RoundTripCommand.Create();
        yield return SpeakCommand.Create();
    }
}
