using System.CommandLine;
using SoundStorm.Onnx;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Cli;

/// <summary>
/// <c>soundstorm encode --input P.wav --out PA.npy [--semantic-out PS.npy] [--model DIR]</c>: speech to codec codes
/// [T, Q] — the prompt <c>generate --prompt-acoustic</c> takes, with its semantic tokens aligned frame by frame.
/// </summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input", "--in") { Description = "Speech WAV (any rate; resampled to the model's).", Required = true };
        var model = new Option<string?>("--model") { Description = "Model package with a codec_encoder graph (default: the shipped model)." };
        var output = new Option<FileInfo>("--out") { Description = "Output .npy of int64 codec codes [T, Q].", Required = true };
        var semanticOut = new Option<FileInfo?>("--semantic-out") { Description = "Also write the semantic tokens [T] of the same frames (for generate --prompt-semantic; needs a semantic graph)." };
        var command = new Command("encode", "Turn speech into codec codes (a prompt for generate).") { input, model, output, semanticOut };
        command.SetAction((result, token) => CliErrors.GuardAsync(token, cancel =>
        {
            string inputPath = result.GetValue(input)!.FullName, outputPath = OutputFiles.Check(result.GetValue(output)!.FullName, "--out");
            string? semanticPath = result.GetValue(semanticOut) is { } s ? OutputFiles.Check(s.FullName, "--semantic-out") : null;
            var clip = InputFiles.ReadAudio(inputPath, "--input");
            using var package = ModelPackage.Load(ModelLocator.Resolve(result.GetValue(model)), cancellationToken: cancel);
            cancel.ThrowIfCancellationRequested();
            using var codec = new NeuralCodec(package);
            if (!codec.CanEncode) throw new CliException("The model package has no codec_encoder graph; encode needs one.");
            AudioLength.RequireCodecFrame(clip, "--input", inputPath, codec.SampleRate, codec.Hop);
            float[] audio = clip.ToMono(codec.SampleRate);
            CodeGrid codes = codec.Encode(audio, cancel);
            long[]? semantic = null;
            if (semanticPath is not null)
            {
                using var tokenizer = new SemanticTokenizer(package);
                AudioLength.RequireToken(clip, "--input", inputPath, codec.SampleRate);
                semantic = tokenizer.Tokenize(audio, cancel);
                // HuBERT gives ⌊(N−80)/320⌋ frames, the codec ⌊N/320⌋: generate needs both of the same length, from the same start.
                int frames = Math.Min(semantic.Length, codes.Frames);
                semantic = semantic[..frames];
                codes = codes.Slice(0, frames);
            }
            cancel.ThrowIfCancellationRequested();
            TokenFiles.WriteGrid(outputPath, codes);
            if (semanticPath is not null) NpyFile.Write(semanticPath, new NpyArray(semantic!, semantic!.Length));
            Console.WriteLine($"{clip.Duration.TotalSeconds:F2} s → {codes.Frames} frames × {codes.Codebooks} codes → {outputPath}" +
                (semanticPath is null ? "" : $" (semantic tokens → {semanticPath})"));
            return Task.FromResult(0);
        }));
        return command;
    }
}
