using SharpFuzz;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Packaging;
using SoundStorm.Onnx;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Fuzz;

/// <summary>
/// AFL++ targets (SharpFuzz): <c>dotnet SoundStorm.Fuzz.dll PARSER</c> reads inputs from AFL and feeds them to one
/// parser. The documented exception type is a normal outcome; anything else escapes and AFL records it as a crash.
/// See fuzz/README.md and fuzz/run-afl.sh.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--write-seeds")
        {
            SeedCorpus.Write(args[1]);
            return;
        }
        Action<Stream> target = (args.Length > 0 ? args[0] : "") switch
        {
            "wav" => s => Guard<AudioFormatException>(() => AudioClip.ReadWav(s, "afl.wav")),
            "npy" => s => Guard<NpyFormatException>(() => NpyFile.Read(s)),
            "safetensors" => s => Guard<CheckpointFormatException>(() => SafeTensorsFile.Read(InMemory(s), "afl.safetensors")),
            "torch" => s => Guard<CheckpointFormatException>(() => TorchCheckpoint.Load(InMemory(s), "afl.pth", TorchLoadOptions.Default)),
            "pickle" => s => Guard<CheckpointFormatException>(() => LoadPickle(ReadAll(s))),
            "onnx" => s => Guard<OnnxFormatException>(() => ParseOnnx(ReadAll(s))),
            "manifest" => s => Guard<ModelPackageException>(() => LoadManifest(new StreamReader(s).ReadToEnd())),
            _ => throw new ArgumentException("usage: SoundStorm.Fuzz wav|npy|safetensors|torch|pickle|onnx|manifest"),
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

    private static MemoryStream InMemory(Stream s) => new(ReadAll(s), writable: false);

    /// <summary>A bare pickle (e.g. a torch data.pkl) through the data-only machine with torch's allow-list; every storage holds 64 bytes.</summary>
    private static void LoadPickle(byte[] bytes) => TorchCheckpoint.LoadPickle(bytes, "afl.pkl", SmallStorage);

    /// <summary>The model and every initializer's values, as a caller reading weights would.</summary>
    private static void ParseOnnx(byte[] bytes)
    {
        var model = OnnxModel.Parse(bytes);
        foreach (var tensor in model.Proto.Graph.Initializer) model.ReadInitializer(tensor.Name);
    }

    /// <summary>What ModelPackage.Load does with manifest text before it looks at any graph file.</summary>
    private static void LoadManifest(string json)
    {
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.FromJson(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ModelPackageException(ModelManifest.FileName, "(json)", "valid manifest JSON", e.Message, e);
        }
        manifest.Validate();
    }

    private static ReadOnlyMemory<byte> SmallStorage(string key, CheckpointDType dtype, long elementCount) =>
        elementCount <= 64 / dtype.ItemSize() ? new byte[64] : throw new CheckpointFormatException($"storage '{key}' is too large for the fuzz target");
}
