using System.CommandLine;
using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary>
/// <c>soundstorm generate --semantic S.npy [--prompt-semantic PS.npy --prompt-acoustic PA.npy] [--model DIR]
/// [--seed N] [sampling flags] --out A.npy|O.wav</c>: semantic tokens in, acoustic tokens (int64 .npy) or audio out.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var semantic = new Option<FileInfo>("--semantic") { Description = "Semantic tokens, int .npy of shape [T].", Required = true };
        var promptSemantic = new Option<FileInfo?>("--prompt-semantic") { Description = "Prompt semantic tokens [Tp] (with --prompt-acoustic)." };
        var promptAcoustic = new Option<FileInfo?>("--prompt-acoustic") { Description = "Prompt codec tokens [Tp, Q] (from 'soundstorm encode')." };
        var model = new Option<string?>("--model") { Description = "Model package folder or zip (default: the shipped model)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for reproducible sampling.", DefaultValueFactory = _ => 0 };
        var sampling = new SamplingFlags();
        var output = new Option<FileInfo>("--out") { Description = "Output: .npy of int64 codes [T, Q], or .wav (the package's codec output as is, exactly what 'decode' makes of the .npy).", Required = true };
        var command = new Command("generate", "Generate acoustic tokens from semantic tokens.") { semantic, promptSemantic, promptAcoustic, model, seed, output };
        foreach (var option in sampling.All) command.Options.Add(option);
        command.SetAction((result, token) => CliErrors.GuardAsync(token, cancel =>
        {
            var options = new GenerationOptions { Seed = result.GetValue(seed) };
            sampling.Apply(result, options);
            var inputs = new Inputs(result.GetValue(semantic)!.FullName, result.GetValue(promptSemantic)?.FullName, result.GetValue(promptAcoustic)?.FullName);
            return Task.FromResult(Run(inputs, result.GetValue(model), options, family => sampling.RequireFamily(result, family), result.GetValue(output)!, cancel));
        }));
        return command;
    }

    private sealed record Inputs(string Semantic, string? PromptSemantic, string? PromptAcoustic);

    private static int Run(Inputs inputs, string? model, GenerationOptions options, Action<string> checkFamily, FileInfo output, CancellationToken cancel)
    {
        bool wav = output.Name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase);
        if (!wav && !output.Name.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new CliException($"--out '{output.Name}': expected a .npy (codes) or .wav (audio) file name.");
        string outputPath = OutputFiles.Check(output.FullName, "--out");
        long[] semantic = TokenFiles.ReadVector(inputs.Semantic, "--semantic");
        CodeGrid? promptAcoustic = inputs.PromptAcoustic is null ? null : TokenFiles.ReadGrid(inputs.PromptAcoustic, "--prompt-acoustic");
        // A prompt is its codes and its semantic tokens together ('encode --semantic-out' writes both).
        if (inputs.PromptSemantic is not null && promptAcoustic is null) throw new CliException("--prompt-semantic needs --prompt-acoustic.");
        if (inputs.PromptSemantic is null && promptAcoustic is not null) throw new CliException("--prompt-acoustic needs --prompt-semantic.");
        long[]? promptSemantic = inputs.PromptSemantic is null ? null : TokenFiles.ReadVector(inputs.PromptSemantic, "--prompt-semantic");

        using var package = ModelPackage.Load(ModelLocator.Resolve(model), cancellationToken: cancel);
        cancel.ThrowIfCancellationRequested();
        checkFamily(package.ModelFamily);
        using var generator = new SoundStormGenerator(package);
        var request = new GenerationRequest(semantic, promptAcoustic, promptSemantic);

        CodeGrid tokens = null!;
        // In windows when the input is longer than one (memory then does not grow with its length).
        WindowProgressBar.RunAsync("generating", progress =>
        {
            tokens = generator.GenerateLong(request, options, progress, cancel);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
        if (wav)
        {
            using var codec = new NeuralCodec(package);
            float[] audio = codec.Decode(tokens, cancel);
            cancel.ThrowIfCancellationRequested();
            new AudioClip(audio, codec.SampleRate).WriteWav(outputPath);
            Console.WriteLine($"{tokens.Frames} frames → {audio.Length / (double)codec.SampleRate:F2} s of audio → {outputPath}");
            return 0;
        }
        cancel.ThrowIfCancellationRequested();
        TokenFiles.WriteGrid(outputPath, tokens);
        Console.WriteLine($"{tokens.Frames} frames × {tokens.Codebooks} codebooks → {outputPath}");
        return 0;
    }
}
