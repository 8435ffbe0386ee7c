namespace SoundStorm.Cli.Tests;

/// <summary>import hubert + hificodec + seed → pack → tokenize / resynthesize on real speech, as a user would.</summary>
[Collection("console")]
public sealed class AudioCommandTests : IDisposable
{
    private const string Speech = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav";
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Package()
    {
        var hubert = CliRunner.Run("import", "hubert", "--checkpoint", Paths.Reference("hubert", "model_hf.safetensors"),
            "--config", Paths.Reference("hubert", "hf_config.json"), "--layer", "2", "--kmeans", Paths.Reference("hubert", "kmeans_centroids.npy"), "--out", $"{_dir}/semantic");
        Assert.True(hubert.Code == 0, hubert.Error);
        Assert.Contains("32 k-means clusters", hubert.Out);
        Assert.Equal(0, CliRunner.Run("import", "hificodec", "--checkpoint", Paths.Reference("hificodec", "g_00000000.pth"),
            "--config", Paths.Reference("hificodec", "config.json"), "--out", $"{_dir}/codec").Code);
        Assert.Equal(0, CliRunner.Run("import", "seed-soundstorm", "--checkpoint", Paths.Reference("soundstorm-s2", "last.pth"),
            "--config", Paths.Reference("soundstorm-s2", "model_config.json"), "--out", $"{_dir}/acoustic").Code);
        return $"{_dir}/package";
    }

    [ReferenceFact]
    public void Pack_refuses_parts_with_different_semantic_vocabularies()
    {
        Package();
        var (code, _, error) = CliRunner.Run("pack", "--acoustic", $"{_dir}/acoustic", "--codec", $"{_dir}/codec", "--semantic", $"{_dir}/semantic", "--out", $"{_dir}/package");
        Assert.Equal(2, code);
        Assert.Contains("semanticVocabulary", error); // the seed model has K = 500, the reference k-means 32
        Assert.False(Directory.Exists($"{_dir}/package"));
    }

    [ReferenceFact]
    public void Tokenize_with_a_package_without_a_semantic_graph_is_one_clear_error()
    {
        if (!File.Exists(Speech)) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        Package();
        Assert.Equal(0, CliRunner.Run("pack", "--acoustic", $"{_dir}/acoustic", "--codec", $"{_dir}/codec", "--out", $"{_dir}/acoustic-only").Code);
        // (Tokenizing real speech through a complete package is covered by the library's pipeline tests.)
        var (code, _, error) = CliRunner.Run("tokenize", "--model", $"{_dir}/acoustic-only", "--in", Speech, "--out", $"{_dir}/t.npy");
        Assert.Equal(2, code);
        Assert.Contains("graphs.semantic", error);
        Assert.False(File.Exists($"{_dir}/t.npy"));
    }

    [ReferenceFact]
    public void Resynthesize_reports_a_missing_prompt_file_and_writes_nothing()
    {
        Package();
        Assert.Equal(0, CliRunner.Run("pack", "--acoustic", $"{_dir}/acoustic", "--codec", $"{_dir}/codec", "--out", $"{_dir}/p").Code);
        // The shipped sample as the source: the test is about the prompt, and must not need pocketsphinx-testdata.
        string source = Path.Combine(Paths.RepositoryRoot(), "samples", "audio", "allison-en-new-extension.wav");
        var (code, _, error) = CliRunner.Run("resynthesize", "--model", $"{_dir}/p", "--source", source, "--prompt", $"{_dir}/nope.wav", "--out", $"{_dir}/o.wav");
        Assert.Equal($"error: --prompt '{_dir}/nope.wav' does not exist.{Environment.NewLine}", error);
        Assert.Equal(2, code);
        Assert.False(File.Exists($"{_dir}/o.wav"));
    }
}
