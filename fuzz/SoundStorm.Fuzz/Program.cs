using SharpFuzz;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Onnx;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.IO;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Fuzz;

/// <summary>
/// AFL++ targets (SharpFuzz): <c>dotnet SoundStorm.Fuzz.dll PARSER</c> reads inputs from AFL and feeds them to one
/// parser. The documented exception type is a normal outcome; anything else escapes and AFL records it as a crash.
/// See fuzz/README.md and fuzz/run-afl.sh.
/// </summary>
public static class Program
{
    private static readonly string Scratch = Path.Combine(Path.GetTempPath(), $"soundstorm-afl-{Environment.ProcessId}");

    public static void Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--write-seeds")
        {
            SeedCorpus.Write(args[1]);
            return;
        }
        Directory.CreateDirectory(Scratch);
        Action<Stream> target = (args.Length > 0 ? args[0] : "") switch
        {
            "wav" => s => Guard<AudioFormatException>(() => WavReader.Read(s, "afl.wav", out _)),
            "npy" => s => Guard<NpyFormatException>(() => NpyFile.Read(s)),
            "safetensors" => s => Guard<CheckpointFormatException>(() => SafeTensorsFile.Read(ToFile(s, "in.safetensors"))),
            "torch" => s => Guard<CheckpointFormatException>(() => TorchCheckpoint.Load(ToFile(s, "in.pth"))),
            "onnx" => s => Guard<OnnxFormatException>(() => OnnxModel.Parse(ReadAll(s))),
            "manifest" => s => Guard<System.Text.Json.JsonException>(() => ModelManifest.FromJson(new StreamReader(s).ReadToEnd())),
            _ => throw new ArgumentException("usage: SoundStorm.Fuzz wav|npy|safetensors|torch|onnx|manifest"),
        };
        Fuzzer.OutOfProcess.Run(target);
    }

    private static void Guard<TDocumented>(Action parse) where TDocumented : Exception
    {
        try
        {
            parse();
        }
        catch (TDocumented)
        {
            // a refused input is a correct outcome
        }
    }

    private static byte[] ReadAll(Stream s)
    {
        using var buffer = new MemoryStream();
        s.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string ToFile(Stream s, string name)
    {
        string path = Path.Combine(Scratch, name);
        File.WriteAllBytes(path, ReadAll(s));
        return path;
    }
}
