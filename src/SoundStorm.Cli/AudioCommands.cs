using System.CommandLine;
using SoundStorm.Onnx;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Cli;

/// <summary>The verbs that take audio: <c>tokenize</c> and <c>resynthesize</c> (one file, or a <c>--list</c> of them).</summary>
internal static class AudioCommands
{
    public static Command Tokenize()
    {
        var input = new Option<FileInfo>("--input", "--in") { Description = "Speech WAV (any rate; resampled to the model's).", Required = true };
        var model = new Option<string?>("--model") { Description = "Model package with a semantic graph (default: the shipped model)." };
        var output = new Option<FileInfo>("--out") { Description = "Output .npy of int64 semantic tokens [T].", Required = true };
        var command = new Command("tokenize", "Turn speech into semantic tokens.") { input, model, output };
        command.SetAction((result, token) => CliErrors.GuardAsync(token, cancel =>
        {
            string inputPath = result.GetValue(input)!.FullName, outputPath = OutputFiles.Check(result.GetValue(output)!.FullName, "--out");
            var clip = InputFiles.ReadAudio(inputPath, "--input");
            using var package = ModelPackage.Load(ModelLocator.Resolve(result.GetValue(model)), cancellationToken: cancel);
            cancel.ThrowIfCancellationRequested();
            using var tokenizer = new SemanticTokenizer(package);
            AudioLength.RequireToken(clip, "--input", inputPath, tokenizer.SampleRate);
            float[] audio = clip.ToMono(tokenizer.SampleRate);
            long[] tokens = tokenizer.Tokenize(audio, cancel);
            NpyFile.Write(outputPath, new NpyArray(tokens, tokens.Length));
            Console.WriteLine($"{clip.Duration.TotalSeconds:F2} s → {tokens.Length} tokens → {outputPath}");
            return Task.FromResult(0);
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
        var output = new Option<FileInfo?>("--out") { Description = "Output WAV (16-bit PCM, peak-normalised to -0.09 dBFS)." };
        var sampling = new SamplingFlags();
        var providers = new ProviderFlags();
        var command = new Command("resynthesize", "Say what --source says in the voice of --prompt.") { source, prompt, list, model, seed, output };
        foreach (var option in sampling.All.Concat(providers.All)) command.Options.Add(option);
        command.SetAction((result, token) => CliErrors.GuardAsync(token, async cancel =>
        {
            var options = new PipelineOptions();
            options.Generation.Seed = result.GetValue(seed);
            sampling.Apply(result, options.Generation);
            providers.Apply(result, options.Session);
            if (result.GetValue(list) is { } listFile)
            {
                var jobs = BatchList.Read(listFile, "source", "prompt", "output");
                using var batchPipeline = Load(ModelLocator.Resolve(result.GetValue(model)), options, family => sampling.RequireFamily(result, family), cancel);
                return await BatchList.RunAllAsync(jobs, job => Resynthesize(batchPipeline, job[0], job[1].Length > 0 ? job[1] : null, job[2], cancel)).ConfigureAwait(false);
            }
            if (result.GetValue(source) is not { } sourceFile || result.GetValue(output) is not { } outputFile)
                throw new CliException("Give --source and --out (and optionally --prompt), or --list FILE.");
            string outputPath = OutputFiles.Check(outputFile.FullName, "--out");
            var sourceClip = InputFiles.ReadAudio(sourceFile.FullName, "--source");
            var promptClip = result.GetValue(prompt) is { } p ? InputFiles.ReadAudio(p.FullName, "--prompt") : null;
            using var pipeline = Load(ModelLocator.Resolve(result.GetValue(model)), options, family => sampling.RequireFamily(result, family), cancel);
            RequireLengths(pipeline, sourceClip, sourceFile.FullName, promptClip, result.GetValue(prompt)?.FullName);
            // Straight to the file: memory stays bounded however long the source is.
            TimeSpan written = default;
            await WindowProgressBar.RunAsync("resynthesizing", async progress =>
                written = await pipeline.ResynthesizeToFileAsync(sourceClip, promptClip, outputPath, progress, cancel).ConfigureAwait(false)).ConfigureAwait(false);
            Console.WriteLine($"{sourceClip.Duration.TotalSeconds:F2} s of speech → {written.TotalSeconds:F2} s at {pipeline.SampleRate} Hz → {outputPath}");
            return 0;
        }));
        return command;
    }

    // The package is loaded (a zip unpacked) before the pipeline opens its sessions, so its family can be checked against
    // the sampling flags and a Ctrl+C stops the unpacking before any graph runs. The sessions are open once
    // constructed; the package (a zip's unpacked copy) only has to live while they load.
    private static SoundStormPipeline Load(string path, PipelineOptions options, Action<string> checkFamily, CancellationToken cancel)
    {
        using var package = ModelPackage.Load(path, cancellationToken: cancel);
        cancel.ThrowIfCancellationRequested();
        checkFamily(package.ModelFamily);
        return new SoundStormPipeline(package, options);
    }

    private static void RequireLengths(SoundStormPipeline pipeline, AudioClip source, string sourcePath, AudioClip? prompt, string? promptPath)
    {
        AudioLength.RequireToken(source, "--source", sourcePath, pipeline.SampleRate);
        if (prompt is not null) AudioLength.RequireToken(prompt, "--prompt", promptPath!, pipeline.SampleRate);
    }

    private static async Task<string> Resynthesize(SoundStormPipeline pipeline, string sourcePath, string? promptPath, string outputPath, CancellationToken cancel)
    {
        outputPath = OutputFiles.Check(outputPath, "output");
        var sourceClip = InputFiles.ReadAudio(sourcePath, "source");
        var promptClip = promptPath is null ? null : InputFiles.ReadAudio(promptPath, "prompt");
        AudioLength.RequireToken(sourceClip, "source", sourcePath, pipeline.SampleRate);
        if (promptClip is not null) AudioLength.RequireToken(promptClip, "prompt", promptPath!, pipeline.SampleRate);
        var written = await pipeline.ResynthesizeToFileAsync(sourceClip, promptClip, outputPath, cancellationToken: cancel).ConfigureAwait(false);
        return $"{sourcePath} in the voice of {promptPath ?? "(no prompt)"}: {written.TotalSeconds:F2} s → {outputPath}";
    }
}
