using SoundStorm.Trainer.Cli;

namespace SoundStorm.Trainer.Tests.Cli;

/// <summary>The <c>soundstorm-train</c> verbs end to end on a tiny dataset, and their one-line errors.</summary>
[Collection("Console")]
public sealed class TrainerCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<(int Code, string Out, string Error)> Run(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(), new StringWriter());
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (await TrainerApp.RunAsync(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    // A refused command: exit code 2, the message on stderr, and no output folder left behind.
    private static void AssertRefusedWithNothingWritten((int Code, string Out, string Error) result, string message, string folder)
    {
        Assert.Equal(2, result.Code);
        Assert.Contains(message, result.Error);
        Assert.False(Directory.Exists(folder));
    }

    // One step of a 1-layer × 16 model: a checkpoint in RUN/checkpoint.safetensors to feed the other verbs.
    private static async Task TrainOneStep(string data, string run)
    {
        var train = await Run("train", "--data", data, "--out", run, "--dim", "16", "--layers", "1", "--heads", "2",
            "--feed-forward", "32", "--conv-kernel", "3", "--steps", "1", "--batch-size", "2", "--warmup", "1");
        Assert.True(train.Code == 0, train.Error);
    }

    [Fact]
    public async Task Remap_units_writes_a_checkpoint_for_the_new_vocabulary_and_refuses_a_wrong_old_dataset()
    {
        string data = new SyntheticTokens(2, 8, 5, seed: 1).WriteDataset(_temp.Sub("data"), 6, 6, 10, seed: 2);
        await TrainOneStep(data, _temp.Sub("run"));
        string checkpoint = Path.Combine(_temp.Sub("run"), "checkpoint.safetensors");
        // The same utterances with 10 units: each old unit split in two by frame parity.
        var split = TokenDataset.Load(data).Utterances.Select(u => u with { Semantic = [.. u.Semantic.Select((s, t) => 2 * s + t % 2)] }).ToList();
        TokenDatasetWriter.Write(_temp.Sub("split"), 8, 10, 50, split);
        string output = _temp.Sub("remapped.safetensors");

        var remap = await Run("remap-units", "--checkpoint", checkpoint, "--old-data", data, "--new-data", _temp.Sub("split"), "--out", output);

        Assert.True(remap.Code == 0, remap.Error);
        Assert.Contains("5 → 10 semantic units (model weights), matched on 6 utterances", remap.Out);
        Assert.Equal(10, TrainingCheckpoint.Load(output).Config.SemanticVocab);
        string other = _temp.Sub("other.safetensors");
        var refused = await Run("remap-units", "--checkpoint", checkpoint, "--old-data", _temp.Sub("split"), "--new-data", data, "--out", other);
        Assert.Equal(2, refused.Code);
        Assert.Contains("semanticVocabulary is 10", refused.Error);
        Assert.False(File.Exists(other));
    }

    [Fact]
    public async Task Import_package_gives_a_checkpoint_that_train_start_from_continues_and_refuses_a_missing_package()
    {
        string data = new SyntheticTokens(2, 8, 5, seed: 1).WriteDataset(_temp.Sub("data"), 6, 6, 10, seed: 2);
        await TrainOneStep(data, _temp.Sub("run"));
        var export = await Run("export", "--checkpoint", Path.Combine(_temp.Sub("run"), "checkpoint.safetensors"), "--out", _temp.Sub("package"));
        Assert.True(export.Code == 0, export.Error);
        string imported = _temp.Sub("imported.safetensors");

        var import = await Run("import-package", "--model", _temp.Sub("package"), "--out", imported);

        Assert.True(import.Code == 0, import.Error);
        Assert.Contains("1 layers × 16 (Q=2, V=8, K=5)", import.Out);
        var warm = await Run("train", "--data", data, "--out", _temp.Sub("warm"), "--start-from", imported, "--steps", "1", "--batch-size", "2", "--warmup", "1");
        Assert.True(warm.Code == 0, warm.Error);
        Assert.Contains("started from the weights of", warm.Out);

        string missing = _temp.Sub("missing.safetensors");
        var refused = await Run("import-package", "--model", _temp.Sub("no-such-package"), "--out", missing);
        Assert.Equal(2, refused.Code);
        Assert.Contains("no-such-package", refused.Error);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Level_weights_are_kept_in_the_checkpoint_and_a_wrong_count_is_refused_with_nothing_written()
    {
        string data = new SyntheticTokens(2, 8, 5, seed: 1).WriteDataset(_temp.Sub("data"), 6, 6, 10, seed: 2);
        string[] common = ["train", "--data", data, "--dim", "16", "--layers", "1", "--heads", "2", "--feed-forward", "32", "--conv-kernel", "3",
            "--steps", "2", "--batch-size", "2", "--warmup", "1"];

        var weighted = await Run([.. common, "--out", _temp.Sub("run"), "--level-weights", "3,1"]);

        Assert.True(weighted.Code == 0, weighted.Error);
        Assert.Equal([3.0, 1.0], TrainingCheckpoint.Load(Path.Combine(_temp.Sub("run"), "checkpoint.safetensors")).Options.LevelWeights!);
        AssertRefusedWithNothingWritten(await Run([.. common, "--out", _temp.Sub("three"), "--level-weights", "1,1,1"]),
            "--level-weights gives 3 weights; the model has 2 levels.", _temp.Sub("three"));
        AssertRefusedWithNothingWritten(await Run([.. common, "--out", _temp.Sub("word"), "--level-weights", "1,x"]),
            "--level-weights '1,x': 'x' is not a number.", _temp.Sub("word"));
        var resumed = await Run("train", "--data", data, "--out", _temp.Sub("run"), "--resume", Path.Combine(_temp.Sub("run"), "checkpoint.safetensors"), "--level-weights", "1,1");
        Assert.Equal(2, resumed.Code);
        Assert.Contains("a resumed run keeps its own", resumed.Error);
    }

    [Fact]
    public async Task Train_stop_resume_and_export_write_a_loadable_package()
    {
        string data = new SyntheticTokens(2, 8, 5, seed: 1).WriteDataset(_temp.Sub("data"), 6, 6, 10, seed: 2);
        string[] common = ["train", "--data", data, "--out", _temp.Sub("run"), "--dim", "16", "--layers", "1", "--heads", "2",
            "--feed-forward", "32", "--conv-kernel", "3", "--combiner", "UNet", "--steps", "4", "--batch-size", "2", "--warmup", "1", "--log-every", "1"];
        var first = await Run([.. common, "--stop-after", "2"]);
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("step 2/4", first.Out);
        string checkpoint = Path.Combine(_temp.Sub("run"), "checkpoint.safetensors");
        var second = await Run("train", "--data", data, "--out", _temp.Sub("run"), "--resume", checkpoint);
        Assert.True(second.Code == 0, second.Error);
        Assert.Contains("step 4/4", second.Out);
        Assert.Contains("validation step 4", second.Out);

        var export = await Run("export", "--checkpoint", checkpoint, "--out", _temp.Sub("package"));
        Assert.True(export.Code == 0, export.Error);
        using var package = ModelPackage.Load(_temp.Sub("package"));
        Assert.Equal((2, 8, 5, 8L), (package.Codebooks, package.CodebookSize, package.SemanticVocabulary, package.MaskTokenId));
    }

    [Fact]
    public async Task Start_from_runs_a_new_schedule_and_refuses_architecture_flags()
    {
        string data = new SyntheticTokens(2, 8, 5, seed: 1).WriteDataset(_temp.Sub("data"), 6, 6, 10, seed: 2);
        var first = await Run("train", "--data", data, "--out", _temp.Sub("run"), "--dim", "16", "--layers", "1", "--heads", "2",
            "--feed-forward", "32", "--conv-kernel", "3", "--steps", "2", "--batch-size", "2", "--warmup", "1");
        Assert.True(first.Code == 0, first.Error);
        string checkpoint = Path.Combine(_temp.Sub("run"), "checkpoint.safetensors");

        var warm = await Run("train", "--data", data, "--out", _temp.Sub("warm"), "--start-from", checkpoint, "--steps", "3", "--batch-size", "2",
            "--warmup", "1", "--log-every", "1", "--minutes", "60");
        Assert.True(warm.Code == 0, warm.Error);
        Assert.Contains("(its step 2); new run of 3 steps", warm.Out);
        Assert.Contains("step 3/3", warm.Out);

        var resized = await Run("train", "--data", data, "--out", _temp.Sub("bad"), "--start-from", checkpoint, "--dim", "32");
        Assert.Equal(2, resized.Code);
        Assert.Contains("--dim cannot change the architecture of a --start-from checkpoint", resized.Error);
        var both = await Run("train", "--data", data, "--out", _temp.Sub("bad"), "--start-from", checkpoint, "--resume", checkpoint);
        AssertRefusedWithNothingWritten(both, "give one of them", _temp.Sub("bad"));
    }

    [Theory]
    [InlineData("train", "--data", "0")]
    [InlineData("train-codec", "--audio", "-5")]
    [InlineData("pretrain-hubert", "--audio", "NaN")]
    public async Task A_time_limit_that_is_not_positive_is_refused_before_anything_is_written(string verb, string input, string minutes)
    {
        var result = await Run(verb, input, _temp.Sub("nowhere"), "--out", _temp.Sub("run"), "--minutes", minutes);
        AssertRefusedWithNothingWritten(result, $"--minutes must be a positive number of minutes (found {minutes})", _temp.Sub("run"));
    }

    [Fact]
    public async Task Export_of_a_codec_checkpoint_writes_its_fragment_and_refuses_ema()
    {
        // Two short harmonic tones as the corpus (no manifest: every WAV below the folder).
        Directory.CreateDirectory(_temp.Sub("audio"));
        foreach (var (name, pitch) in new[] { ("a.wav", 140.0), ("b.wav", 220.0) })
            new SoundStorm.Onnx.AudioClip(
                Enumerable.Range(0, 8000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * pitch * i / 16000))).ToArray(), 16000).WriteWav(Path.Combine(_temp.Sub("audio"), name));
        var train = await Run("train-codec", "--audio", _temp.Sub("audio"), "--out", _temp.Sub("codec"), "--width", "16", "--codebook-size", "16",
            "--steps", "2", "--batch-size", "2", "--segment-frames", "4", "--warmup", "0");
        Assert.True(train.Code == 0, train.Error);
        string checkpoint = Path.Combine(_temp.Sub("codec"), "checkpoint.safetensors");

        var export = await Run("export", "--checkpoint", checkpoint, "--out", _temp.Sub("fragment"));
        Assert.True(export.Code == 0, export.Error);
        Assert.Contains("codec fragment (step 2)", export.Out);
        // The same weights as the fragment the training run wrote itself, byte for byte.
        foreach (string graph in new[] { "codec_encoder.onnx", "codec_decoder.onnx" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_temp.Sub("codec"), "codec", graph)), File.ReadAllBytes(Path.Combine(_temp.Sub("fragment"), graph)));

        var ema = await Run("export", "--checkpoint", checkpoint, "--out", _temp.Sub("ema"), "--ema");
        Assert.Equal(2, ema.Code);
        Assert.Contains("train-codec runs keep no EMA weights", ema.Error);
        Assert.False(Directory.Exists(_temp.Sub("ema")));
    }

    [Theory]
    [InlineData("--discriminator-width", "0", "--discriminator-width must be positive (found 0)")]
    [InlineData("--feature-weight", "-1", "--feature-weight must be a finite number ≥ 0 (found -1)")]
    [InlineData("--scale-discriminators", "-2", "--scale-discriminators must not be negative (found -2)")]
    [InlineData("--pitch-weight", "-1", "--pitch-weight must be a finite number ≥ 0 (found -1)")]
    public async Task Bad_codec_loss_settings_are_refused_before_anything_is_written(string flag, string value, string message)
    {
        var result = await Run("train-codec", "--audio", _temp.Sub("nowhere"), "--out", _temp.Sub("run"), "--adversarial", flag, value);
        AssertRefusedWithNothingWritten(result, message, _temp.Sub("run"));
    }

    [Fact]
    public async Task A_pitch_loss_on_a_frozen_encoder_and_a_new_width_on_a_resumed_run_are_refused()
    {
        var pitch = await Run("train-codec", "--audio", _temp.Sub("nowhere"), "--out", _temp.Sub("run"), "--decoder-only", "--pitch-weight", "1");
        AssertRefusedWithNothingWritten(pitch, "--decoder-only freezes the encoder", _temp.Sub("run"));
        var width = await Run("train-codec", "--audio", _temp.Sub("nowhere"), "--out", _temp.Sub("run"), "--resume", _temp.Sub("run.safetensors"),
            "--width", "256");
        AssertRefusedWithNothingWritten(width, "--width cannot change a resumed run", _temp.Sub("run"));
    }

    [Fact]
    public async Task Empty_dataset_folder_is_one_error_line_with_exit_code_2()
    {
        Directory.CreateDirectory(_temp.Sub("empty"));
        var result = await Run("train", "--data", _temp.Sub("empty"), "--out", _temp.Sub("run"));
        Assert.Equal(2, result.Code);
        Assert.StartsWith($"error: {Path.Combine(_temp.Sub("empty"), "dataset.json")}: missing", result.Error);
    }

    [Fact]
    public async Task Exporting_a_non_checkpoint_names_the_file()
    {
        string bogus = _temp.Sub("bogus.safetensors");
        File.WriteAllBytes(bogus, new byte[20]);
        var result = await Run("export", "--checkpoint", bogus, "--out", _temp.Sub("package"));
        Assert.Equal(2, result.Code);
        Assert.Contains(bogus, result.Error);
    }

    [Fact]
    public async Task Prepare_of_a_folder_without_wavs_is_one_error_line_naming_it()
    {
        Directory.CreateDirectory(_temp.Sub("audio"));
        var result = await Run("prepare", "--audio", _temp.Sub("audio"), "--model", _temp.Sub("package"), "--out", _temp.Sub("tokens"));
        Assert.Equal(2, result.Code);
        Assert.StartsWith($"error: {_temp.Sub("audio")}: holds no .wav files", result.Error);
    }

    [Fact]
    public async Task Prepare_with_a_missing_package_is_one_error_line_naming_it()
    {
        Directory.CreateDirectory(_temp.Sub("audio"));
        new SoundStorm.Onnx.AudioClip(new float[16000], 16000).WriteWav(Path.Combine(_temp.Sub("audio"), "a.wav"));
        var result = await Run("prepare", "--audio", _temp.Sub("audio"), "--model", _temp.Sub("nowhere"), "--out", _temp.Sub("tokens"));
        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains(_temp.Sub("nowhere"), result.Error);
        Assert.False(Directory.Exists(_temp.Sub("tokens")) && File.Exists(Path.Combine(_temp.Sub("tokens"), "dataset.json")));
    }

    [ReferenceFact]
    public async Task Seed_family_fine_tunes_the_reference_seed_checkpoint_and_exports_a_diffusion_package()
    {
        // The reference tiny seed checkpoint: 4 codebooks of 1024 codes, K = 500, width 32, 2 heads.
        string data = new SyntheticTokens(4, 1024, 500, seed: 1).WriteDataset(_temp.Sub("data"), 6, 10, 14, seed: 2);
        var train = await Run("train", "--family", "seed", "--init-from", TestPaths.SeedFile("last.pth"), "--heads", "2", "--data", data,
            "--out", _temp.Sub("run"), "--steps", "3", "--batch-size", "2", "--max-frames", "8", "--seed-prompt-frames", "3", "--warmup", "1",
            "--log-every", "1", "--validation-fraction", "0.2");
        Assert.True(train.Code == 0, train.Error);
        Assert.Contains("fine-tuning", train.Out);
        Assert.Contains("step 3/3  diffusion loss", train.Out);

        var export = await Run("export", "--checkpoint", Path.Combine(_temp.Sub("run"), "checkpoint.safetensors"), "--out", _temp.Sub("package"));
        Assert.True(export.Code == 0, export.Error);
        using var package = ModelPackage.Load(_temp.Sub("package"));
        Assert.Equal((ModelFamilies.SeedDiffusion, 4, 1024, 500, 1026L),
            (package.ModelFamily, package.Codebooks, package.CodebookSize, package.SemanticVocabulary, package.MaskTokenId));
        using var generator = new SoundStorm.Onnx.SoundStormGenerator(package);
        var codes = generator.Generate(new SoundStorm.Onnx.GenerationRequest([1, 2, 3, 4, 5, 6], new SoundStorm.Onnx.CodeGrid(3, 4), [7, 8, 9], 1),
            new SoundStorm.Onnx.GenerationOptions { DiffusionSkipSteps = 4 });
        Assert.Equal(6, codes.Frames);
        foreach (long c in codes.AsSpan()) Assert.InRange(c, 0, 1023);
    }

    [ReferenceFact]
    public async Task Init_from_without_the_seed_family_is_one_error_line()
    {
        string data = new SyntheticTokens(2, 8, 5, seed: 1).WriteDataset(_temp.Sub("data"), 4, 6, 8, seed: 2);
        var result = await Run("train", "--data", data, "--out", _temp.Sub("run"), "--init-from", TestPaths.SeedFile("last.pth"));
        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: --init-from loads seed checkpoints", result.Error);
    }
}
