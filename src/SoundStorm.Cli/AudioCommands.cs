using System.CommandLine;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.IO;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Pipeline;
using SoundStorm.Onnx.Semantic;
using Spectre.Console;

namespace SoundStorm.Cli;

/// <summary>The verbs that take audio: <c>tokenize</c> and <c>resynthesize</c> (one file, or a <c>--list</c> of them).</summary>
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
        var source = new Option<FileInfo?>("--source") { Description = "Speech whose words are kept." };
        var prompt = new Option<FileInfo?>("--prompt") { Description = "Speech whose voice is used (first 3 s)." };
        var list = new Option<FileInfo?>("--list") { Description = "Instead of --source/--prompt/--out: a TSV of 'source<TAB>prompt<TAB>output' lines (prompt may be empty), all done by one process." };
        var model = new Option<string?>("--model") { Description = "Model package (default: the shipped model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for reproducible sampling.", DefaultValueFactory = _ => 0 };
        var output = new Option<FileInfo?>("--out") { Description = "Output WAV (16-bit PCM)." };
        var sampling = new SamplingFlags();
        var command = new Command("resynthesize", "Say what --source says in the voice of --prompt.") { source, prompt, list, model, seed, output };
        foreach (var option in sampling.All) command.Options.Add(option);
        command.SetAction(result => CliErrors.GuardAsync(async () =>
        {
            var options = new PipelineOptions();
            options.Generation.Seed = result.GetValue(seed);
            sampling.Apply(result, options.Generation);
            if (result.GetValue(list) is { } listFile)
            {
                var jobs = BatchList.Read(listFile, "source", "prompt", "output");
                using var batchPipeline = SoundStormPipeline.Load(ModelLocator.Resolve(result.GetValue(model)), options);
                return await BatchList.RunAllAsync(jobs, job => Resynthesize(batchPipeline, job[0], job[1].Length > 0 ? job[1] : null, job[2])).ConfigureAwait(false);
            }
            if (result.GetValue(source) is not { } sourceFile || result.GetValue(output) is not { } outputFile)
                throw new CliException("Give --source and --out (and optionally --prompt), or --list FILE.");
            var sourceClip = ReadWav(sourceFile);
            var promptClip = result.GetValue(prompt) is { } p ? ReadWav(p) : null;
            using var pipeline = SoundStormPipeline.Load(ModelLocator.Resolve(result.GetValue(model)), options);
            AudioClip audio = null!;
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask("resynthesizing");
                var progress = new Progress<Onnx.Generation.GenerationProgress>(g => { task.MaxValue = g.TotalSteps; task.Value = g.Step; });
                audio = await pipeline.ResynthesizeAsync(sourceClip, promptClip, progress).ConfigureAwait(false);
            }).ConfigureAwait(false);
            WavWriter.Write(outputFile.FullName, audio);
            Console.WriteLine($"{sourceClip.Duration.TotalSeconds:F2} s of speech → {audio.Duration.TotalSeconds:F2} s at {audio.SampleRate} Hz → {outputFile.FullName}");
            return 0;
        }));
        return command;
    }

    private static async Task<string> Resynthesize(SoundStormPipeline pipeline, string sourcePath, string? promptPath, string outputPath)
    {
        var sourceClip = AudioFiles.Read(sourcePath);
        var promptClip = promptPath is null ? null : AudioFiles.Read(promptPath);
        var audio = await pipeline.ResynthesizeAsync(sourceClip, promptClip).ConfigureAwait(false);
        WavWriter.Write(outputPath, audio);
        return $"{sourcePath} in the voice of {promptPath ?? "(no prompt)"}: {audio.Duration.TotalSeconds:F2} s → {outputPath}";
    }

    private static AudioClip ReadWav(FileInfo file) => AudioFiles.Read(file.FullName);
}
