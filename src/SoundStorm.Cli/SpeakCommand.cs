using System.CommandLine;
using SoundStorm.Onnx;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Cli;

/// <summary>
/// <c>soundstorm speak --text "…" [--prompt P.wav] --out O.wav</c>: text to speech in the voice of a prompt, through the
/// English front end and the package's text_to_semantic graph (<c>--phones</c> skips the front end). <c>--list</c> runs
/// many lines with one model load; a line's text between slashes (<c>/SIL HH AH L OW SIL/</c>) is read as phones.
/// </summary>
internal static class SpeakCommand
{
    public static Command Create()
    {
        var text = new Option<string?>("--text") { Description = "What to say (English; numbers, money, times and abbreviations are read out)." };
        var phones = new Option<string?>("--phones") { Description = "What to say, as phones: SIL and ARPAbet symbols without stress, space-separated (e.g. \"SIL HH AH L OW SIL\")." };
        var prompt = new Option<FileInfo?>("--prompt") { Description = "Speech whose voice is used (first 3 s)." };
        var list = new Option<FileInfo?>("--list") { Description = "Instead of --phones/--prompt/--out: a TSV of 'text<TAB>prompt<TAB>output' lines (prompt may be empty; text between slashes is phones), all done by one process." };
        var model = new Option<string?>("--model") { Description = "Model package with a text_to_semantic graph (default: the shipped model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for reproducible sampling.", DefaultValueFactory = _ => 0 };
        var speed = new Option<double>("--speed") { Description = "Speaking rate: the predicted durations are divided by it (0.25..4).", DefaultValueFactory = _ => 1 };
        var output = new Option<FileInfo?>("--out") { Description = "Output WAV (16-bit PCM, peak-normalised to -0.09 dBFS)." };
        var providers = new ProviderFlags();
        var command = new Command("speak", "Say --text in the voice of --prompt.") { text, phones, prompt, list, model, seed, speed, output };
        foreach (var option in providers.All) command.Options.Add(option);
        command.SetAction((result, token) => CliErrors.GuardAsync(token, async cancel =>
        {
            var options = new PipelineOptions();
            options.Generation.Seed = result.GetValue(seed);
            providers.Apply(result, options.Session);
            double rate = result.GetValue(speed);
            if (!(rate is >= 0.25 and <= 4)) throw new CliException($"--speed is {rate}; expected 0.25..4.");
            if (result.GetValue(text) is not null && result.GetValue(phones) is not null) throw new CliException("Give --text or --phones, not both.");
            string? said = result.GetValue(text) ?? (result.GetValue(phones) is { } p ? $"/{p}/" : null);
            var jobs = result.GetValue(list) is { } listFile ? BatchList.Read(listFile, "text", "prompt", "output")
                : said is not null && result.GetValue(output) is { } outputFile
                    ? [[said, result.GetValue(prompt)?.FullName ?? "", outputFile.FullName]]
                    : throw new CliException("Give --text (or --phones) and --out, and optionally --prompt; or --list FILE.");
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
        string said = job[0].Trim();
        bool asPhones = said.Length >= 2 && said[0] == '/' && said[^1] == '/';
        AudioClip? promptClip = null;
        if (job[1].Length > 0)
        {
            promptClip = InputFiles.ReadAudio(job[1], promptOption);
            AudioLength.RequireToken(promptClip, promptOption, job[1], pipeline.SampleRate);
        }
        var audio = asPhones
            ? await pipeline.SpeakPhonesAsync(said[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries), promptClip, rate, cancellationToken: cancel).ConfigureAwait(false)
            : await pipeline.SpeakAsync(said, promptClip, rate, cancellationToken: cancel).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        audio.WriteWav(outputPath);
        return $"\"{(said.Length > 40 ? said[..40] + "…" : said)}\" in the voice of {(job[1].Length > 0 ? job[1] : "(no prompt)")}: {audio.Duration.TotalSeconds:F2} s → {outputPath}";
    }
}
