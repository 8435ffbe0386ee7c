namespace SoundStorm.Cli.Tests;

/// <summary>
/// The documented workflow end to end: import the reference seed checkpoint, run its three graphs with run-graph on the
/// reference inputs, and compare with the PyTorch logits.
/// </summary>
[Collection("console")]
public sealed class ImportSeedCommandTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [ReferenceFact]
    public void Imported_graphs_reproduce_reference_logits_through_run_graph()
    {
        string Ref(string f) => Paths.Reference("soundstorm-s2", f);
        var (code, output, error) = CliRunner.Run("import", "seed-soundstorm", "--checkpoint", Ref("last.pth"), "--config", Ref("model_config.json"), "--out", _dir);
        Assert.True(code == 0, error);
        Assert.Contains("2 layers × 32 wide, 2 heads", output);

        const int batch = 2, frames = 16, q = 4, prompt = 10;
        long[] xt = NpyFile.Read(Ref("x_t.npy")).ToInt64();
        var tokens = new long[batch * frames * q];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < q; c++)
                for (int t = 0; t < frames; t++) tokens[(b * frames + t) * q + c] = xt[b * q * frames + c * frames + t];
        NpyFile.Write($"{_dir}/tokens.npy", new NpyArray(tokens, batch, frames, q));
        Assert.Equal(0, CliRunner.Run("run-graph", "--graph", $"{_dir}/combiner.onnx", "--in", $"tokens={_dir}/tokens.npy", "--out-dir", $"{_dir}/c").Code);

        long[] pa = NpyFile.Read(Ref("prompt_acoustics.npy")).ToInt64();
        var q0 = new long[batch * prompt];
        for (int b = 0; b < batch; b++) Array.Copy(pa, b * q * prompt, q0, b * prompt, prompt);
        NpyFile.Write($"{_dir}/pa.npy", new NpyArray(q0, batch, prompt));
        NpyFile.Write($"{_dir}/ps.npy", new NpyArray(NpyFile.Read(Ref("prompt_semantics.npy")).ToInt64(), batch, prompt));
        NpyFile.Write($"{_dir}/ts.npy", new NpyArray(NpyFile.Read(Ref("target_semantics.npy")).ToInt64(), batch, frames));
        var condition = CliRunner.Run("run-graph", "--graph", $"{_dir}/condition.onnx", "--in", $"prompt_semantic={_dir}/ps.npy",
            "--in", $"target_semantic={_dir}/ts.npy", "--in", $"prompt_acoustic={_dir}/pa.npy", "--out-dir", $"{_dir}/k");
        Assert.True(condition.Code == 0, condition.Error);
        var run = CliRunner.Run("run-graph", "--graph", $"{_dir}/transformer.onnx",
            "--in", $"embeddings={_dir}/c/embeddings.npy", "--in", $"skip={_dir}/c/skip.npy", "--in", $"cross_keys={_dir}/k/cross_keys.npy",
            "--in", $"cross_values={_dir}/k/cross_values.npy", "--in", $"padding_mask={Ref("x_mask.npy")}",
            "--in", $"step={Ref("t.npy")}", "--out-dir", $"{_dir}/t");
        Assert.True(run.Code == 0, run.Error);

        float[] ours = NpyFile.Read($"{_dir}/t/logits.npy").As<float>(); // [B, T, Q, 1026]
        float[] reference = NpyFile.Read(Ref("logits.npy")).As<float>(); // [B, 1026, Q·T]
        double maxDiff = 0, maxRef = 0;
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < frames; t++)
                for (int c = 0; c < q; c++)
                    for (int k = 0; k < 1026; k++)
                    {
                        double r = reference[(b * 1026 + k) * q * frames + c * frames + t];
                        maxDiff = Math.Max(maxDiff, Math.Abs(ours[((b * frames + t) * q + c) * 1026 + k] - r));
                        maxRef = Math.Max(maxRef, Math.Abs(r));
                    }
        Assert.True(maxDiff / maxRef <= 1e-4, $"relative error {maxDiff / maxRef:E2}");
    }

    [ReferenceFact]
    public void Truncated_checkpoint_is_one_error_line()
    {
        var bytes = File.ReadAllBytes(Paths.Reference("soundstorm-s2", "last.pth"));
        File.WriteAllBytes($"{_dir}/cut.pth", bytes[..(bytes.Length / 3)]);
        var (code, _, error) = CliRunner.Run("import", "seed-soundstorm", "--checkpoint", $"{_dir}/cut.pth", "--out", $"{_dir}/out");
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("cut.pth", error);
        Assert.False(Directory.Exists($"{_dir}/out"));
    }
}
