using System.CommandLine;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Pipeline;

namespace SoundStorm.Cli;

/// <summary>
/// <c>soundstorm speak --phones "…" [--prompt P.wav] --out O.wav</c>: text to speech in the voice of a prompt, through the
/// package's text_to_semantic graph. <c>--list</c> runs many lines with one model load.
/// </summary>
internal static class SpeakCommand
{
    public static Command Create()
    {
        var phones = new Option<string?>("--phones") { Description = "What to say, as phones: SIL and ARPAbet symbols without stress, space-separated (e.g. \"SIL HH AH L OW SIL\")." };
        var prompt = new Option<FileInfo?>("--prompt") { Description = "Speech whose voice is used (first 3 s)." };
        var list = new Option<FileInfo?>("--list") { Description = "Instead of --phones/--prompt/--out: a TSV of 'phones<TAB>prompt<TAB>output' lines (prompt may be empty), all done by one process." };
        var model = new Option<string?>("--model") { Description = "Model package with a text_to_semantic graph (default: the shipped model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for reproducible sampling.", DefaultValueFactory = _ => 0 };
        var speed = new Option<double>("--speed") { Description = "Speaking rate: the predicted durations are divided by it (0.25..4).", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--out") { Description = "Output WAV (16-bit PCM, peak-normalised to -0.09 dBFS)." };
        var command = new Command("speak", "Say --phones in the voice of --prompt.") { phones, prompt, list, model, seed, speed, output };
        command.SetAction((result, token) => CliErrors.GuardAsync(token, async cancel =>
        {
            var options = new PipelineOptions();
            options.Generation.Seed = result.GetValue(seed);
            double rate = result.GetValue(speed);
            if (!(rate is >= 0.25 and <= 4)) throw new CliException($"--speed is {rate}; expected 0.25..4.");
            var jobs = result.GetValue(list) is { } listFile ? BatchList.Read(listFile, "phones", "prompt", "output")
                : result.GetValue(phones) is { } said && result.GetValue(output) is { } outputFile
                    ? [[said, result.GetValue(prompt)?.FullName ?? "", outputFile.FullName]]
                    : throw new CliException("Give --phones and --out (and optionally --prompt), or --list FILE.");
            using var pipeline = Load(ModelLocator.Resolve(result.GetValue(model)), options, cancel);
            if (jobs.Count == 1 && result.GetValue(list) is null)
            {
                Console.WriteLine(await Speak(pipeline, jobs[0], rate, "--prompt", "--out", cancel).ConfigureAwait(false));
                return 0;
            }
            return await BatchList.RunAllAsync(jobs, job => Speak(pipeline, job, rate, "prompt", "output", cancel)).ConfigureAwait(false);
        }));
        return command;
    }

    private static SoundStormPipeline Load(string path, PipelineOptions options, CancellationToken cancel)
    {
        using var package = ModelPackage.Load(path, cancellationToken: cancel);
        cancel.ThrowIfCancellationRequested();
        if (!package.HasGraph(GraphNames.TextToSemantic))
            throw new CliException($"The model package {path} cannot speak: it has no {GraphNames.TextToSemantic} graph.");
        return new SoundStormPipeline(package, options);
    }

    private static async Task<string> Speak(SoundStormPipeline pipeline, string[] job, double rate, string promptOption, string outputOption, CancellationToken cancel)
    {
        string outputPath = OutputFiles.Check(job[2], outputOption);
        var phones = job[0].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        AudioClip? promptClip = null;
        if (job[1].Length > 0)
        {
            promptClip = InputFiles.ReadAudio(job[1], promptOption);
            AudioLength.RequireToken(promptClip, promptOption, job[1], pipeline.SampleRate);
        }
        var audio = await pipeline.SpeakPhonesAsync(phones, promptClip, rate, cancellationToken: cancel).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        WavWriter.Write(outputPath, audio);
        return $"{phones.Length} phones in the voice of {(job[1].Length > 0 ? job[1] : "(no prompt)")}: {audio.Duration.TotalSeconds:F2} s → {outputPath}";
    }
}
