using SoundStorm.Onnx;

namespace VoiceResynthesis;

/// <summary>The whole sample: arguments → load the package → read both WAVs → resynthesize with progress → write the WAV.</summary>
public static class ResynthesisCommand
{
    public const string Usage = "usage: VoiceResynthesis SOURCE.wav PROMPT.wav OUT.wav [PACKAGE]   (PACKAGE: model folder or .zip; default $SOUNDSTORM_MODEL, then the checkout's models/default)";

    /// <param name="args">SOURCE PROMPT OUT [PACKAGE].</param>
    /// <param name="defaultPackage">The package when <paramref name="args"/> names none (Main passes SOUNDSTORM_MODEL or the checkout's models/default).</param>
    /// <param name="output">Progress and the summary line.</param>
    /// <param name="errors">Usage and error lines.</param>
    /// <param name="cancellationToken">Stops the generation between steps.</param>
    /// <returns>0 when the WAV was written, 2 for bad input, 130 when cancelled.</returns>
    public static async Task<int> RunAsync(string[] args, string? defaultPackage, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (args.Length is < 3 or > 4 || args.Contains("--help") || args.Contains("-h"))
        {
            errors.WriteLine(Usage);
            return 2;
        }
        string sourcePath = args[0], promptPath = args[1], outPath = args[2];
        string? package = args.Length == 4 ? args[3] : defaultPackage;
        if (string.IsNullOrWhiteSpace(package))
        {
            errors.WriteLine("error: no model package: give it as the fourth argument or set SOUNDSTORM_MODEL.");
            errors.WriteLine(Usage);
            return 2;
        }

        try
        {
            var source = ReadWav(sourcePath, "source", errors);
            var prompt = ReadWav(promptPath, "prompt", errors);
            using var pipeline = SoundStormPipeline.Load(package);
            output.WriteLine($"source {source.Duration.TotalSeconds:F2} s at {source.SampleRate} Hz, prompt {prompt.Duration.TotalSeconds:F2} s; model '{package}'");

            var audio = await pipeline.ResynthesizeAsync(source, prompt, new ConsoleProgress(output), cancellationToken);
            audio.WriteWav(outPath);
            output.WriteLine($"wrote {outPath}: {audio.Duration.TotalSeconds:F2} s at {audio.SampleRate} Hz");
            return 0;
        }
        catch (Exception e) when (e is FileNotFoundException or AudioFormatException or ModelPackageException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            errors.WriteLine("cancelled");
            return 130;
        }
    }

    // A file cut short is read as far as it goes, with a warning line naming both lengths.
    private static AudioClip ReadWav(string path, string role, TextWriter errors)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"the {role} WAV '{path}' does not exist.", path);
        var clip = AudioClip.ReadWav(path, out string? truncation);
        if (truncation is not null)
            errors.WriteLine(FormattableString.Invariant($"warning: {path}: {truncation}; reading the {clip.Duration.TotalSeconds:0.00} s present."));
        return clip;
    }

    /// <summary>Writes one line per generation step, on the generating thread (so lines appear in order, before the summary).</summary>
    private sealed class ConsoleProgress(TextWriter output) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) =>
            output.WriteLine($"step {value.Step}/{value.TotalSteps}: level {value.Level}, iteration {value.Iteration}/{value.IterationsInLevel} ({value.Fraction:P0})");
    }
}
