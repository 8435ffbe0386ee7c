using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Tests.Checkpoints;
using SoundStorm.Tests.Shared;
using Xunit.Abstractions;

namespace SoundStorm.Export.Tests.Hardening;

/// <summary>Thousands of mutated inputs for the exporter's readers (bounded mode for CI): safetensors, PyTorch zip/legacy pickle, ONNX.</summary>
public sealed class ExportParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-fuzz", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string File(byte[] bytes)
    {
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "input.bin");
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Safetensors_reader_only_parses_or_refuses()
    {
        string seedPath = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.safetensors");
        SafeTensorsFile.Write(seedPath, [
            CheckpointTensor.FromFloat32("a.weight", [3, 4], Enumerable.Range(0, 12).Select(i => (float)i).ToArray()),
            CheckpointTensor.FromInt64("b", [2], [7, -7]),
        ], new Dictionary<string, string> { ["format"] = "pt" });
        byte[] seed = System.IO.File.ReadAllBytes(seedPath);
        System.IO.File.Delete(seedPath);
        var report = MutationFuzzer.Run("safetensors", [seed], 3000, b => SafeTensorsFile.Read(File(b)), e => e is CheckpointFormatException);
        output.WriteLine(report.ToString());
    }

    [Fact]
    public void Torch_checkpoint_reader_only_parses_or_refuses()
    {
        var seeds = new[] { "state_dict_variants.pth", "nested_checkpoint.pth", "legacy_format.pth", "unsafe_reduce_call.pth" }
            .Select(f => System.IO.File.ReadAllBytes(ReferencePaths.Get("torch-pickle", f))).ToArray();
        var report = MutationFuzzer.Run("torch zip/pickle", seeds, 3000, b => TorchCheckpoint.Load(File(b)), e => e is CheckpointFormatException);
        output.WriteLine(report.ToString());
    }

    [Fact]
    public void Onnx_reader_only_parses_or_refuses()
    {
        var g = new OnnxGraphBuilder("fuzz");
        var x = g.Input("x", ElementType.Float, "batch", 4);
        g.Output(g.Add(x, g.Initializer("w", TensorData.FromFloat([1f, 2f, 3f, 4f], 4))), "y", ElementType.Float, "batch", 4);
        byte[] seed = g.Build().ToBytes();
        var report = MutationFuzzer.Run("onnx", [seed], 3000, b =>
        {
            var model = OnnxModel.Parse(b);
            foreach (var t in model.Proto.Graph.Initializer) model.ReadInitializer(t.Name);
        }, e => e is OnnxFormatException);
        output.WriteLine(report.ToString());
    }
}
