using System.CommandLine;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Paper;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train remap-units</c>: rewrites an acoustic checkpoint for a new semantic tokenizer (see
/// <see cref="SemanticUnitRemap"/>), for a warm restart (<c>train --start-from</c>) on the new tokens.
/// </summary>
internal static class RemapUnitsCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "A 'train' checkpoint (paper family).", Required = true };
        var oldData = new Option<DirectoryInfo>("--old-data") { Description = "The token dataset the checkpoint was trained on.", Required = true };
        var newData = new Option<DirectoryInfo>("--new-data") { Description = "The same corpus tokenised with the new semantic tokenizer ('prepare --semantic …').", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Checkpoint file to write (a new file).", Required = true };
        var ema = new Option<bool>("--ema") { Description = "Start from the checkpoint's EMA weights: they also become its model weights." };
        var command = new Command("remap-units",
            "Rewrite an acoustic checkpoint to read another semantic vocabulary: each new unit's embedding is the mean of the old units' embeddings on the same frames.")
            { checkpoint, oldData, newData, output, ema };
        command.SetAction(result => TrainerErrors.Guard(() =>
        {
            var oldTokens = TokenDataset.Load(result.GetValue(oldData)!.FullName);
            var newTokens = TokenDataset.Load(result.GetValue(newData)!.FullName);
            string path = result.GetValue(output)!.FullName;
            var summary = SemanticUnitRemap.Rewrite(result.GetValue(checkpoint)!.FullName, oldTokens, newTokens, path, result.GetValue(ema));
            Console.WriteLine($"{summary.OldUnits} → {summary.NewUnits} semantic units ({(summary.FromEma ? "EMA" : "model")} weights), matched on {summary.SharedUtterances} utterances, {summary.Frames} frames → {path}");
            return 0;
        }));
        return command;
    }
}
