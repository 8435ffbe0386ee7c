using System.CommandLine;
using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary><c>soundstorm decode --codes A.npy [--model DIR] --out O.wav</c>: codec tokens [T, Q] to audio.</summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var codes = new Option<FileInfo>("--codes") { Description = "Codec tokens, int .npy of shape [T, Q].", Required = true };
        var model = new Option<string?>("--model") { Description = "Model package with a codec_decoder graph (default: the shipped model)." };
        var output = new Option<FileInfo>("--out") { Description = "Output WAV (16-bit PCM; the codec's output as is, not normalised).", Required = true };
        var command = new Command("decode", "Turn codec tokens into a WAV file.") { codes, model, output };
        command.SetAction((result, token) => CliErrors.GuardAsync(token, cancel =>
        {
            string outputPath = OutputFiles.Check(result.GetValue(output)!.FullName, "--out");
            CodeGrid grid = TokenFiles.ReadGrid(result.GetValue(codes)!.FullName, "--codes");
            using var package = ModelPackage.Load(ModelLocator.Resolve(result.GetValue(model)), cancellationToken: cancel);
            cancel.ThrowIfCancellationRequested();
            using var codec = new NeuralCodec(package);
            float[] audio = codec.Decode(grid, cancel);
            cancel.ThrowIfCancellationRequested();
            new AudioClip(audio, codec.SampleRate).WriteWav(outputPath);
            Console.WriteLine($"{grid.Frames} frames → {audio.Length / (double)codec.SampleRate:F2} s at {codec.SampleRate} Hz → {outputPath}");
            return Task.FromResult(0);
        }));
        return command;
    }
}
