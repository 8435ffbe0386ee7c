using System.CommandLine;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Codec;
using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.IO;
using SoundStorm.Onnx.Packages;
using Spectre.Console;

namespace SoundStorm.Cli;

/// <summary>
/// <c>soundstorm generate --semantic S.npy [--prompt-semantic PS.npy --prompt-acoustic PA.npy] [--model DIR]
/// [--seed N] [sampling flags] --out A.npy</c>: semantic tokens in, acoustic tokens out (int64 .npy).
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var semantic = new Option<FileInfo>("--semantic") { Description = "Semantic tokens, int .npy of shape [T].", Required = true };
        var promptSemantic = new Option<FileInfo?>("--prompt-semantic") { Description = "Prompt semantic tokens [Tp] (with --prompt-acoustic)." };
        var promptAcoustic = new Option<FileInfo?>("--prompt-acoustic") { Description = "Prompt codec tokens [Tp, Q]." };
        var model = new Option<string?>("--model") { Description = "Model package folder or zip (default: the shipped model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for reproducible sampling.", DefaultValueFactory = _ => 0 };
        var sampling = new SamplingFlags();
        var output = new Option<FileInfo>("--out") { Description = "Output: .npy of int64 codes [T, Q], or .wav (decoded by the package's codec).", Required = true };
        var command = new Command("generate", "Generate acoustic tokens from semantic tokens.") { semantic, promptSemantic, promptAcoustic, model, seed, output };
        foreach (var option in sampling.All) command.Options.Add(option);
        command.SetAction(result => CliErrors.Guard(() =>
        {
            var options = new GenerationOptions { Seed = result.GetValue(seed) };
            sampling.Apply(result, options);
            return Run(result.GetValue(semantic)!, result.GetValue(promptSemantic), result.GetValue(promptAcoustic), result.GetValue(model),
                options, result.GetValue(output)!);
        }));
        return command;
    }

    internal static int Run(FileInfo semanticFile, FileInfo? promptSemanticFile, FileInfo? promptAcousticFile, string? model, GenerationOptions options, FileInfo output)
    {
        bool wav = output.Name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase);
        if (!wav && !output.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new CliException($"--out '{output.Name}': expected a .npy (codes) or .wav (audio) file name.");
        long[] semantic = ReadVector(semanticFile, "--semantic");
        long[,]? promptAcoustic = null;
        long[]? promptSemantic = null;
        if (promptAcousticFile is not null)
        {
            var array = NpyFile.Read(promptAcousticFile.FullName);
            if (array.Shape.Count != 2) throw new CliException($"--prompt-acoustic '{promptAcousticFile.Name}': expected shape [Tp, Q], found ({string.Join(", ", array.Shape)}).");
            long[] flat = array.ToInt64();
            promptAcoustic = new long[array.Shape[0], array.Shape[1]];
            Buffer.BlockCopy(flat, 0, promptAcoustic, 0, flat.Length * sizeof(long));
        }
        if (promptSemanticFile is not null)
        {
            if (promptAcoustic is null) throw new CliException("--prompt-semantic needs --prompt-acoustic.");
            promptSemantic = ReadVector(promptSemanticFile, "--prompt-semantic");
        }

        using var package = ModelPackage.Load(ModelLocator.Resolve(model));
        using var generator = new SoundStormGenerator(package);
        var request = new GenerationRequest(semantic, promptAcoustic, promptSemantic);

        long[,] tokens = null!;
        AnsiConsole.Progress().AutoClear(true).Start(context =>
        {
            using var run = generator.Start([request], options);
            var task = context.AddTask("generating", maxValue: run.TotalSteps);
            while (!run.IsDone)
            {
                run.Step();
                task.Value = run.CompletedSteps;
            }
            tokens = run.GetResult(0);
        });
        if (wav)
        {
            using var codec = new NeuralCodec(package);
            float[] audio = codec.Decode(tokens);
            Loudness.NormalizePeak(audio, 20 * Math.Log10(0.99));
            WavWriter.Write(output.FullName, new AudioClip(audio, codec.SampleRate));
            Console.WriteLine($"{tokens.GetLength(0)} frames → {audio.Length / (double)codec.SampleRate:F2} s of audio → {output.FullName}");
            return 0;
        }
        var flatTokens = new long[tokens.Length];
        Buffer.BlockCopy(tokens, 0, flatTokens, 0, flatTokens.Length * sizeof(long));
        NpyFile.Write(output.FullName, new NpyArray(flatTokens, tokens.GetLength(0), tokens.GetLength(1)));
        Console.WriteLine($"{tokens.GetLength(0)} frames × {tokens.GetLength(1)} codebooks → {output.FullName}");
        return 0;
    }

    private static long[] ReadVector(FileInfo file, string option)
    {
        if (!file.Exists) throw new CliException($"{option} '{file.FullName}' does not exist.");
        var array = NpyFile.Read(file.FullName);
        if (array.Shape.Count != 1) throw new CliException($"{option} '{file.Name}': expected a 1-D array [T], found shape ({string.Join(", ", array.Shape)}).");
        return array.ToInt64();
    }
}
