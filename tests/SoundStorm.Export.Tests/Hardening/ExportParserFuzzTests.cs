using Xunit.Abstractions;

namespace SoundStorm.Export.Tests.Hardening;

/// <summary>
/// Thousands of mutated inputs for the exporter's readers (bounded mode for CI): safetensors, PyTorch zip/legacy
/// checkpoints, bare pickles, ONNX (in memory and from a file with external data). Seeds: Fuzz/Corpus/&lt;parser&gt;/.
/// </summary>
public sealed class ExportParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "soundstorm-fuzz", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Safetensors_reader_only_parses_or_refuses()
    {
        var report = MutationFuzzer.Run("safetensors", MutationFuzzer.Corpus("safetensors"), 10_000,
            b => SafeTensorsFile.Read(new MemoryStream(b, writable: false), "fuzz.safetensors"), e => e is CheckpointFormatException);
        output.WriteLine(report.ToString());
    }

    [Fact]
    public void Torch_checkpoint_reader_only_parses_or_refuses()
    {
        // Stride-0 expansions may legitimately materialise up to 64 MiB; deflated records up to ~1032x their bytes.
        var report = MutationFuzzer.Run("torch zip/pickle", MutationFuzzer.Corpus("torch"), 10_000,
            b => TorchCheckpoint.Load(new MemoryStream(b, writable: false), "fuzz.pth", TorchLoadOptions.Default),
            e => e is CheckpointFormatException, allocationLimitBytes: 80L << 20, allocationPerInputByte: 1100);
        output.WriteLine(report.ToString());
    }

    [Fact]
    public void Pickle_machine_only_builds_allowed_data_or_refuses()
    {
        var report = MutationFuzzer.Run("pickle", MutationFuzzer.Corpus("pickle"), 10_000, b =>
        {
            var resolver = new TorchPickleResolver(new ZeroStorages(), TorchLoadOptions.Default, "fuzz.pkl");
            PickleMachine.Load(new PickleInput(new MemoryStream(b, writable: false), b.Length, "fuzz.pkl"), resolver);
        }, e => e is CheckpointFormatException, allocationLimitBytes: 80L << 20);
        output.WriteLine(report.ToString());
    }

    [Fact]
    public void Onnx_reader_only_parses_or_refuses()
    {
        var report = MutationFuzzer.Run("onnx", [.. MutationFuzzer.Corpus("onnx"), SmallModel().ToBytes()], 10_000, b =>
        {
            var model = OnnxModel.Parse(b);
            foreach (var t in model.Proto.Graph.Initializer) model.ReadInitializer(t.Name);
        }, e => e is OnnxFormatException);
        output.WriteLine(report.ToString());
    }

    [Fact]
    public void Onnx_file_with_external_data_only_loads_or_refuses()
    {
        // The seed keeps its weights in model.onnx.data beside it, so mutants reach the external-data reader.
        string seedPath = Path.Combine(_dir, "seed", "model.onnx");
        SmallModel().Save(seedPath, inlineLimit: 0);
        byte[] seed = File.ReadAllBytes(seedPath);
        string target = Path.Combine(_dir, "model.onnx");
        File.Copy(seedPath + ".data", target + ".data");
        var report = MutationFuzzer.Run("onnx file + external data", [seed], 1500, b =>
        {
            File.WriteAllBytes(target, b);
            var model = OnnxModel.Load(target);
            foreach (var t in model.Proto.Graph.Initializer) model.ReadInitializer(t.Name);
        }, e => e is OnnxFormatException);
        output.WriteLine(report.ToString());
    }

    /// <summary>Two initializers, one large enough (≥ 1 KiB) to go to external data when saved that way.</summary>
    private static OnnxModel SmallModel()
    {
        var g = new OnnxGraphBuilder("fuzz");
        var x = g.Input("x", ElementType.Float, "batch", 4);
        var w = g.Initializer("w", TensorData.FromFloat([1f, 2f, 3f, 4f], 4));
        var big = g.Initializer("big", TensorData.FromFloat(Enumerable.Range(0, 1024).Select(i => i / 7f).ToArray(), 256, 4));
        var y = g.Add(g.Add(x, w), g.ReduceMean(big, [0], keepDims: false));
        g.Output(y, "y", ElementType.Float, "batch", 4);
        return g.Build();
    }

    /// <summary>Every storage holds 64 zero bytes, so small tensors in the seed pickles rebuild.</summary>
    private sealed class ZeroStorages : ITorchStorageSource
    {
        public ReadOnlyMemory<byte>? Load(string key, CheckpointDType dtype, long elementCount) =>
            elementCount <= 64 / dtype.ItemSize() ? new byte[64] : throw new CheckpointFormatException($"storage '{key}' needs {elementCount} elements");
    }
}
