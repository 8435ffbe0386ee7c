using SoundStorm.Onnx.IO;

namespace SoundStorm.Cli.Tests;

/// <summary>import → pack → info → generate, as a user would run them, on the reference seed checkpoint.</summary>
[Collection("console")]
public sealed class GenerateWorkflowTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Ref(string f) => Paths.Reference("soundstorm-s2", f);

    private string Pack()
    {
        Assert.Equal(0, CliRunner.Run("import", "seed-soundstorm", "--checkpoint", Ref("last.pth"), "--config", Ref("model_config.json"), "--out", $"{_dir}/acoustic").Code);
        var pack = CliRunner.Run("pack", "--acoustic", $"{_dir}/acoustic", "--name", "seed-ref", "--out", $"{_dir}/package");
        Assert.True(pack.Code == 0, pack.Error);
        Assert.Contains("seed-diffusion package with combiner, transformer", pack.Out);
        return $"{_dir}/package";
    }

    [Fact]
    public void Packed_seed_model_generates_codes_reproducibly()
    {
        string package = Pack();
        var info = CliRunner.Run("info", "--model", package);
        Assert.Equal(0, info.Code);
        Assert.Contains("seed-diffusion", info.Out);
        Assert.Contains("4 × 1024 (mask id 1026)", info.Out);

        NpyFile.Write($"{_dir}/s.npy", new NpyArray(NpyFile.Read(Ref("target_semantics.npy")).ToInt64()[..16], 16));
        NpyFile.Write($"{_dir}/ps.npy", new NpyArray(NpyFile.Read(Ref("prompt_semantics.npy")).ToInt64()[..10], 10));
        long[] codes = NpyFile.Read(Ref("prompt_acoustics.npy")).ToInt64();
        var prompt = new long[40];
        for (int f = 0; f < 10; f++) for (int c = 0; c < 4; c++) prompt[f * 4 + c] = codes[c * 10 + f];
        NpyFile.Write($"{_dir}/pa.npy", new NpyArray(prompt, 10, 4));
        string[] Args(string output) => ["generate", "--model", package, "--semantic", $"{_dir}/s.npy", "--prompt-semantic", $"{_dir}/ps.npy",
            "--prompt-acoustic", $"{_dir}/pa.npy", "--seed", "3", "--out", output];
        var first = CliRunner.Run(Args($"{_dir}/a.npy"));
        Assert.True(first.Code == 0, first.Error);
        Assert.Equal(0, CliRunner.Run(Args($"{_dir}/b.npy")).Code);
        var a = NpyFile.Read($"{_dir}/a.npy");
        Assert.Equal(new[] { 16, 4 }, a.Shape);
        Assert.All(a.As<long>(), t => Assert.InRange(t, 0, 1023));
        Assert.Equal(a.As<long>(), NpyFile.Read($"{_dir}/b.npy").As<long>());
    }

    [Fact]
    public void Out_of_range_semantic_tokens_are_one_clear_error()
    {
        string package = Pack();
        NpyFile.Write($"{_dir}/bad.npy", new NpyArray(new long[] { 3, 500, 2 }, 3));
        var (code, _, error) = CliRunner.Run("generate", "--model", package, "--semantic", $"{_dir}/bad.npy", "--out", $"{_dir}/x.npy");
        Assert.Equal(2, code);
        Assert.Contains("Semantic[1] = 500 is outside the semantic vocabulary 0..499", error);
        Assert.False(File.Exists($"{_dir}/x.npy"));
    }

    [Fact]
    public void Pack_refuses_a_folder_without_a_fragment()
    {
        Directory.CreateDirectory($"{_dir}/empty");
        var (code, _, error) = CliRunner.Run("pack", "--acoustic", $"{_dir}/empty", "--out", $"{_dir}/p");
        Assert.Equal(2, code);
        Assert.Contains("fragment.json", error);
    }
}
