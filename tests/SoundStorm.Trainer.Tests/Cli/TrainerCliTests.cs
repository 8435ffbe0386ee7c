using SoundStorm.Onnx.Packages;
using SoundStorm.Trainer.Cli;
using SoundStorm.Trainer.Tests.Support;

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
        Assert.Equal((2, 8, 5, 8L), (package.Manifest.Codebooks, package.Manifest.CodebookSize, package.Manifest.SemanticVocabulary, package.Manifest.MaskTokenId));
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
        SoundStorm.Onnx.Audio.WavWriter.Write(Path.Combine(_temp.Sub("audio"), "a.wav"), new SoundStorm.Onnx.Audio.AudioClip(new float[16000], 16000));
        var result = await Run("prepare", "--audio", _temp.Sub("audio"), "--model", _temp.Sub("nowhere"), "--out", _temp.Sub("tokens"));
        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains(_temp.Sub("nowhere"), result.Error);
        Assert.False(Directory.Exists(_temp.Sub("tokens")) && File.Exists(Path.Combine(_temp.Sub("tokens"), "dataset.json")));
    }
}
