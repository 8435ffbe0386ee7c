using System.CommandLine;
using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary>
/// <c>soundstorm roundtrip</c>: speech → codec codes → speech, to hear (and measure) what the codec alone loses.
/// The codec comes from a model package or, before one exists, from the folder <c>import hificodec</c> wrote.
/// </summary>
internal static class RoundTripCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo?>("--input", "--in") { Description = "Speech WAV (any rate; resampled to the codec's)." };
        var output = new Option<FileInfo?>("--out") { Description = "Output WAV (16-bit PCM at the codec's rate; frames · hop samples)." };
        var list = new Option<FileInfo?>("--list") { Description = "Instead of --input/--out: a TSV of 'input<TAB>output' lines, all done by one process." };
        var model = new Option<string?>("--model") { Description = "Model package with codec_encoder and codec_decoder (default: the shipped model)." };
        var codecFolder = new Option<DirectoryInfo?>("--codec") { Description = "Instead of --model: a codec fragment folder (fragment.json + graphs, from 'import hificodec')." };
        var command = new Command("roundtrip", "Encode speech with the codec and decode it again.") { input, output, list, model, codecFolder };
        command.SetAction((result, token) => CliErrors.GuardAsync(token, async cancel =>
        {
            var jobs = result.GetValue(list) is { } listFile ? BatchList.Read(listFile, "input", "output") : null;
            if (jobs is null && (result.GetValue(input) is null || result.GetValue(output) is null))
                throw new CliException("Give --input and --out, or --list FILE.");
            using var codec = Open(result.GetValue(model), result.GetValue(codecFolder), cancel);
            cancel.ThrowIfCancellationRequested();
            if (!codec.CanEncode || !codec.CanDecode)
                throw new CliException("A round trip needs both codec graphs (codec_encoder and codec_decoder); the codec given lacks one.");
            // One file is reported as any other verb's error (one line); a list reports each failed job and a summary.
            if (jobs is null)
            {
                Console.WriteLine(RoundTrip(codec, result.GetValue(input)!.FullName, result.GetValue(output)!.FullName, cancel));
                return 0;
            }
            return await BatchList.RunAllAsync(jobs, job => Task.FromResult(RoundTrip(codec, job[0], job[1], cancel))).ConfigureAwait(false);
        }));
        return command;
    }

    private static NeuralCodec Open(string? model, DirectoryInfo? codecFolder, CancellationToken cancel)
    {
        if (codecFolder is not null)
        {
            if (model is not null) throw new CliException("Give either --model or --codec, not both.");
            if (!codecFolder.Exists) throw new CliException($"--codec folder '{codecFolder.FullName}' does not exist.");
            return NeuralCodec.FromFragment(codecFolder.FullName);
        }
        using var package = ModelPackage.Load(ModelLocator.Resolve(model), cancellationToken: cancel);
        // The sessions are open once constructed; the package only has to live while they load (zips are unpacked to a temp folder).
        return new NeuralCodec(package);
    }

    private static string RoundTrip(NeuralCodec codec, string inputPath, string outputPath, CancellationToken cancel)
    {
        outputPath = OutputFiles.Check(outputPath, "--out");
        var clip = InputFiles.ReadAudio(inputPath, "--input");
        AudioLength.RequireCodecFrame(clip, "--input", inputPath, codec.SampleRate, codec.Hop);
        float[] audio = clip.ToMono(codec.SampleRate);
        CodeGrid codes = codec.Encode(audio, cancel);
        var decoded = new AudioClip(codec.Decode(codes, cancel), codec.SampleRate);
        cancel.ThrowIfCancellationRequested();
        decoded.WriteWav(outputPath);
        return $"{inputPath}: {clip.Duration.TotalSeconds:F2} s → {codes.Frames} frames × {codes.Codebooks} codes → {outputPath}";
    }
}
