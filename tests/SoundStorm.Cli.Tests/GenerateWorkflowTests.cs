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

    [ReferenceFact]
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

    [ReferenceFact]
    public void Seed_sampler_flags_reach_the_seed_sampler()
    {
        string package = Pack();
        NpyFile.Write($"{_dir}/s.npy", new NpyArray(NpyFile.Read(Ref("target_semantics.npy")).ToInt64()[..16], 16));
        long[] Generate(string name, params string[] flags)
        {
            var run = CliRunner.Run(["generate", "--model", package, "--semantic", $"{_dir}/s.npy", "--seed", "3", "--out", $"{_dir}/{name}.npy", .. flags]);
            Assert.True(run.Code == 0, run.Error);
            return NpyFile.Read($"{_dir}/{name}.npy").ToInt64();
        }
        long[] purity = Generate("purity");
        Assert.Equal(purity, Generate("explicit", "--skip-steps", "0", "--top-r", "0.85", "--purity-weight", "2")); // the defaults, spelled out
        Assert.NotEqual(purity, Generate("skip", "--skip-steps", "4"));
        Assert.NotEqual(purity, Generate("greedy", "--top-r", "0.01"));
    }

    [Theory]
    [InlineData("--skip-steps", "99", "--skip-steps 99: expected 0 (purity-prior sampler) or a step count in 1..98.")]
    [InlineData("--top-r", "0", "--top-r 0: expected a number in (0, 1].")]
    [InlineData("--purity-weight", "-1", "--purity-weight -1: expected a finite number ≥ 0.")]
    public void Out_of_range_seed_sampler_flags_are_one_error_naming_the_flag(string flag, string value, string message)
    {
        NpyFile.Write($"{_dir}/s.npy", new NpyArray(new long[] { 1, 2, 3 }, 3));
        var (code, _, error) = CliRunner.Run("generate", "--semantic", $"{_dir}/s.npy", "--out", $"{_dir}/x.npy", flag, value);
        Assert.Equal($"error: {message}{Environment.NewLine}", error);
        Assert.Equal(2, code);
    }

    [Fact]
    public void Seed_sampler_flags_are_refused_for_a_paper_family_package()
    {
        NpyFile.Write($"{_dir}/s.npy", new NpyArray(new long[] { 1, 2, 3 }, 3));
        // The shipped default model is of the paper's (MaskGIT) family.
        var (code, _, error) = CliRunner.Run("generate", "--semantic", $"{_dir}/s.npy", "--out", $"{_dir}/x.npy", "--top-r", "0.9", "--skip-steps", "4");
        Assert.Equal("error: --skip-steps, --top-r: flags of the seed-diffusion sampler, but the package is of the 'maskgit' family " +
            $"(its sampler takes --steps, --temperature, --top-k, --top-p, --confidence-noise, --sample-finer-levels).{Environment.NewLine}", error);
        Assert.Equal(2, code);
        Assert.False(File.Exists($"{_dir}/x.npy"));
        var resynthesis = CliRunner.Run("resynthesize", "--source", Path.Combine(Paths.RepositoryRoot(), "samples", "audio", "carlo-it-prompt.wav"),
            "--out", $"{_dir}/x.wav", "--purity-weight", "1");
        Assert.StartsWith("error: --purity-weight: flags of the seed-diffusion sampler", resynthesis.Error);
        Assert.Equal(2, resynthesis.Code);
    }

    [ReferenceFact]
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
