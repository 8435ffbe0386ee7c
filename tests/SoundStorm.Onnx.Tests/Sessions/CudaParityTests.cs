using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Onnx.Tests.Sessions;

/// <summary>A test that needs ONNX Runtime's CUDA provider: skipped, saying why, when the loaded native library has none.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    /// <summary>Marks the test as skipped without CUDA.</summary>
    public CudaFactAttribute()
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
            Skip = "No CUDA execution provider in this ONNX Runtime: build with -p:OnnxRuntimeNative=Gpu on a machine with an NVIDIA GPU (scripts/cuda-checks.sh).";
    }
}

/// <summary>
/// The same graphs on CUDA and on the CPU give the same results: greedy generation on a tiny package, and the default
/// model's codec decoder. Runs in scripts/cuda-checks.sh; skipped on CPU-only machines.
/// </summary>
public sealed class CudaParityTests
{
    private static readonly SessionSettings Cuda = new() { Provider = ExecutionProvider.Cuda };

    [CudaFact]
    public void Greedy_generation_agrees_with_the_cpu()
    {
        using var package = ModelPackage.Load(new TinyModel(5).WritePackage(TestPaths.NewTempDirectory()));
        var random = new Random(2);
        var request = new GenerationRequest([.. Enumerable.Range(0, 60).Select(_ => (long)random.Next(TinyModel.K))]);
        var greedy = new GenerationOptions { Temperature = 0, ConfidenceNoise = 0, Seed = 1 };
        using var cpu = new SoundStormGenerator(package);
        using var cuda = new SoundStormGenerator(package, Cuda);
        ReadOnlySpan<long> a = cpu.Generate(request, greedy).AsSpan(), b = cuda.Generate(request, greedy).AsSpan();
        int same = 0;
        for (int i = 0; i < a.Length; i++) same += a[i] == b[i] ? 1 : 0;
        Assert.True(same >= 0.99 * a.Length, $"{same} of {a.Length} tokens agree");
    }

    [CudaFact]
    public void Default_models_codec_decodes_alike()
    {
        using var package = ModelPackage.Load(TestPaths.DefaultModel());
        using var cpu = new NeuralCodec(package);
        using var cuda = new NeuralCodec(package, Cuda);
        var random = new Random(4);
        var codes = new CodeGrid(100, cpu.Codebooks);
        for (int f = 0; f < 100; f++)
            for (int q = 0; q < cpu.Codebooks; q++) codes[f, q] = random.Next(cpu.CodebookSize);
        float[] a = cpu.Decode(codes), b = cuda.Decode(codes);
        Assert.Equal(a.Length, b.Length);
        Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() < 1e-3f);
    }
}
