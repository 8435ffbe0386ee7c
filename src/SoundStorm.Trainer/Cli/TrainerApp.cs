using System.CommandLine;

namespace SoundStorm.Trainer.Cli;

/// <summary>The <c>soundstorm-train</c> tool: parses arguments and runs the verb (entry point and tests share it).</summary>
internal static class TrainerApp
{
    public static Task<int> RunAsync(string[] args)
    {
        Training.MklReproducibility.Enable(); // before any TorchSharp call: --resume repeats a run bit for bit
        Training.OneDnnConvolutions.Disable(); // libtorch's own convolutions: oneDNN's first run of a primitive gave NaN gradients on some CPUs
        var root = new RootCommand("soundstorm-train: train SoundStorm paper-family acoustic models with TorchSharp and export them as model packages");
        root.Subcommands.Add(PrepareCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(TrainCodecCommand.Create());
        root.Subcommands.Add(PretrainHubertCommand.Create());
        root.Subcommands.Add(HubertUnitsCommand.Create());
        root.Subcommands.Add(RemapUnitsCommand.Create());
        root.Subcommands.Add(ImportPackageCommand.Create());
        root.Subcommands.Add(TrainTextCommand.Create());
        root.Subcommands.Add(SampleTextCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
