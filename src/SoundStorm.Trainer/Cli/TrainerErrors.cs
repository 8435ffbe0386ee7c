using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Weights;
using SoundStorm.Trainer.Data;

namespace SoundStorm.Trainer.Cli;

/// <summary>Turns bad-input exceptions into one "error: …" line and exit code 2; anything else keeps its stack trace.</summary>
internal static class TrainerErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is DatasetFormatException or CheckpointFormatException or WeightMismatchException or ArgumentException
            or InvalidDataException or IOException or SoundStorm.Onnx.AudioFormatException or SoundStorm.Export.Onnx.OnnxFormatException || e.GetType().Name.EndsWith("PackageException", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
