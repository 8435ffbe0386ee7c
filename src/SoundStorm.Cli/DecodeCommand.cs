using System.CommandLine;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Codec;
using SoundStorm.Onnx.IO;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Cli;

/// <summary><c>soundstorm decode --codes A.npy [--model DIR] --out O.wav</c>: codec tokens [T, Q] to audio.</summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var codes = new Option<FileInfo>("--codes") { Description = "Codec tokens, int .npy of shape [T, Q].", Required = true };
        var model = new Option<string?>("--model") { Description = "Model package with a codec_decoder graph (default: the shipped model)." };
        var output = new Option<FileInfo>("--out") { Description = "Output WAV (16-bit PCM).", Required = true };
        var command = new Command("decode", "Turn codec tokens into a WAV file.") { codes, model, output };
        command.SetAction(result => CliErrors.Guard(() =>
        {
            var file = result.GetValue(codes)!;
            if (!file.Exists) throw new CliException($"--codes '{file.FullName}' does not exist.");
            var array = NpyFile.Read(file.FullName);
            if (array.Shape.Count != 2) throw new CliException($"--codes '{file.Name}': expected shape [T, Q], found ({string.Join(", ", array.Shape)}).");
            var grid = new long[array.Shape[0], array.Shape[1]];
            long[] flat = array.ToInt64();
            Buffer.BlockCopy(flat, 0, grid, 0, flat.Length * sizeof(long));
            using var package = ModelPackage.Load(ModelLocator.Resolve(result.GetValue(model)));
            using var codec = new NeuralCodec(package);
            float[] audio = codec.Decode(grid);
            WavWriter.Write(result.GetValue(output)!.FullName, new AudioClip(audio, codec.SampleRate));
            Console.WriteLine($"{grid.GetLength(0)} frames → {audio.Length / (double)codec.SampleRate:F2} s at {codec.SampleRate} Hz → {result.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }
}
