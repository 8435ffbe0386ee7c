using System.CommandLine;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.IO;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Pipeline;
using SoundStorm.Onnx.Semantic;
using Spectre.Console;

namespace SoundStorm.Cli;

/// <summary>The verbs that take audio: <c>tokenize</c> and <c>resynthesize</c>.</summary>
internal static class AudioCommands
{
    public static Command Tokenize()
    {
        var input = new Option<FileInfo>("--in") { Description = "Speech WAV (any rate; resampled to the model's).", Required = true };
        var model = new Option<string?>("--model") { Description = "Model package with a semantic graph (default: the shipped model)." };
        var output = new Option<FileInfo>("--out") { Description = "Output .npy of int64 semantic tokens [T].", Required = true };
        var command = new Command("tokenize", "Turn speech into semantic tokens.") { input, model, output };
        command.SetAction(result => CliErrors.Guard(() =>
        {
            var clip = ReadWav(result.GetValue(input)!);
            using var package = ModelPackage.Load(ModelLocator.Resolve(result.GetValue(model)));
            using var tokenizer = new SemanticTokenizer(package);
            float[] audio = clip.SampleRate == tokenizer.SampleRate ? clip.ToMono() : new Resampler(clip.SampleRate, tokenizer.SampleRate).Process(clip.ToMono());
            long[] tokens = tokenizer.Tokenize(audio);
            NpyFile.Write(result.GetValue(output)!.FullName, new NpyArray(tokens, tokens.Length));
            Console.WriteLine($"{clip.Duration.TotalSeconds:F2} s → {tokens.Length} tokens → {result.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }

    public static Command Resynthesize()
    {
        var source = new Option<FileInfo>("--source") { Description = "Speech whose words are kept.", Required = true };
        var prompt = new Option<FileInfo?>("--prompt") { Description = "Speech whose voice is used (first 3 s)." };
        var model = new Option<string?>("--model") { Description = "Model package (default: the shipped model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for reproducible sampling.", DefaultValueFactory = _ => 0 };
        var output = new Option<FileInfo>("--out") { Description = "Output WAV (16-bit PCM).", Required = true };
        var command = new Command("resynthesize", "Say what --source says in the voice of --prompt.") { source, prompt, model, seed, output };
        command.SetAction(result => CliErrors.GuardAsync(async () =>
        {
            var sourceClip = ReadWav(result.GetValue(source)!);
            var promptClip = result.GetValue(prompt) is { } p ? ReadWav(p) : null;
            var options = new PipelineOptions();
            options.Generation.Seed = result.GetValue(seed);
            using var pipeline = SoundStormPipeline.Load(ModelLocator.Resolve(result.GetValue(model)), options);
            AudioClip audio = null!;
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask("resynthesizing");
                var progress = new Progress<Onnx.Generation.GenerationProgress>(g => { task.MaxValue = g.TotalSteps; task.Value = g.Step; });
                audio = await pipeline.ResynthesizeAsync(sourceClip, promptClip, progress).ConfigureAwait(false);
            }).ConfigureAwait(false);
            WavWriter.Write(result.GetValue(output)!.FullName, audio);
            Console.WriteLine($"{sourceClip.Duration.TotalSeconds:F2} s of speech → {audio.Duration.TotalSeconds:F2} s at {audio.SampleRate} Hz → {result.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }

    private static AudioClip ReadWav(FileInfo file) =>
        file.Exists ? WavReader.Read(file.FullName) : throw new CliException($"Audio file '{file.FullName}' does not exist.");
}
