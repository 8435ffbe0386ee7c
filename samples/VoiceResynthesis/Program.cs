using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Pipeline;

namespace VoiceResynthesis;

/// <summary>
/// Says what one recording says in the voice of another, through the package API:
/// <c>VoiceResynthesis SOURCE.wav PROMPT.wav OUT.wav [PACKAGE]</c> (package: argument or SOUNDSTORM_MODEL).
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, CancellationToken.None);

    public static async Task<int> RunAsync(string[] args, TextWriter log, CancellationToken cancellationToken)
    {
        if (args.Length < 3)
        {
            log.WriteLine("usage: VoiceResynthesis SOURCE.wav PROMPT.wav OUT.wav [PACKAGE]");
            return 2;
        }
        string? package = args.Length > 3 ? args[3] : Environment.GetEnvironmentVariable("SOUNDSTORM_MODEL");
        if (string.IsNullOrEmpty(package))
        {
            log.WriteLine("error: give a model package as the fourth argument or in SOUNDSTORM_MODEL");
            return 2;
        }

        using var pipeline = SoundStormPipeline.Load(package);
        var source = WavReader.Read(args[0]);
        var prompt = WavReader.Read(args[1]);
        var progress = new Progress<GenerationProgress>(p => log.WriteLine($"step {p.Step}/{p.TotalSteps} (level {p.Level})"));
        var audio = await pipeline.ResynthesizeAsync(source, prompt, progress, cancellationToken);
        WavWriter.Write(args[2], audio);
        log.WriteLine($"{source.Duration.TotalSeconds:F2} s → {audio.Duration.TotalSeconds:F2} s at {audio.SampleRate} Hz → {args[2]}");
        return 0;
    }
}
