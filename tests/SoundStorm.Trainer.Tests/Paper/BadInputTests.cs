using System.Text.Json.Nodes;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Trainer.Tests.Paper;

/// <summary>Malformed datasets and checkpoints fail with one exception that names the file and what was expected.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly SyntheticTokens _language = new(2, 8, 5, seed: 1);

    public void Dispose() => _temp.Dispose();

    private string Dataset() => _language.WriteDataset(_temp.Sub("data"), 4, 5, 8, seed: 3);

    private static void EditHeader(string folder, Action<JsonObject> edit)
    {
        string path = Path.Combine(folder, TokenDataset.HeaderFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void Empty_folder_names_the_missing_dataset_json()
    {
        Directory.CreateDirectory(_temp.Sub("empty"));
        var e = Assert.Throws<DatasetFormatException>(() => TokenDataset.Load(_temp.Sub("empty")));
        Assert.Equal(Path.Combine(_temp.Sub("empty"), "dataset.json"), e.File);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Dataset_without_utterances_is_refused()
    {
        string folder = Dataset();
        EditHeader(folder, j => j["utterances"] = new JsonArray());
        var e = Assert.Throws<DatasetFormatException>(() => TokenDataset.Load(folder));
        Assert.Contains("no utterances", e.Message);
    }

    [Fact]
    public void Wrong_codebook_count_for_the_model_names_both_numbers()
    {
        string folder = Dataset();
        var e = Assert.Throws<DatasetFormatException>(() => TokenDataset.Load(folder, expectedCodebooks: 3));
        Assert.EndsWith("dataset.json", e.File);
        Assert.Contains("codebooks is 2; the model expects 3", e.Message);
    }

    [Fact]
    public void Acoustic_file_with_a_different_level_count_than_the_header_names_the_npy()
    {
        string folder = Dataset();
        EditHeader(folder, j => j["codebooks"] = 3);
        var e = Assert.Throws<DatasetFormatException>(() => TokenDataset.Load(folder));
        Assert.Equal(Path.Combine(folder, "utt0000", "acoustic.npy"), e.File);
        Assert.Contains("expected [", e.Message);
    }

    [Fact]
    public void Code_outside_the_vocabulary_names_the_element()
    {
        string folder = Dataset();
        EditHeader(folder, j => j["codebookSize"] = 2); // the codes go up to 7
        var e = Assert.Throws<DatasetFormatException>(() => TokenDataset.Load(folder));
        Assert.EndsWith("acoustic.npy", e.File);
        Assert.Contains("must lie in 0..1", e.Message);
    }

    [Fact]
    public void Float_semantic_file_is_refused()
    {
        string folder = Dataset();
        string path = Path.Combine(folder, "utt0001", "semantic.npy");
        int frames = NpyFile.Read(path).Length;
        NpyFile.Write(path, new NpyArray(new float[frames], frames));
        var e = Assert.Throws<DatasetFormatException>(() => TokenDataset.Load(folder));
        Assert.Equal(path, e.File);
        Assert.Contains("integer", e.Message);
    }

    [Fact]
    public void Truncated_checkpoint_names_the_file()
    {
        var options = new TrainOptions { Steps = 1, BatchSize = 2, MaxFrames = 8, ValidationFraction = 0, LogEvery = 1 };
        var config = new SoundStorm.Export.Acoustic.PaperModelConfig
        {
            Dim = 8, Layers = 1, Heads = 2, FeedForward = 16, ConvKernel = 3, Codebooks = 2, CodebookSize = 8, SemanticVocab = 5,
        };
        var dataset = TokenDataset.Load(Dataset());
        string checkpoint;
        using (var trainer = new PaperObjective(config, options, dataset, _temp.Sub("run"))) checkpoint = trainer.Run().CheckpointPath;
        byte[] bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<CheckpointFormatException>(() => PaperObjective.Resume(checkpoint, dataset, _temp.Sub("run")));
        Assert.StartsWith(checkpoint, e.Message);
    }

    [Fact]
    public void Dataset_that_does_not_fit_the_model_is_refused_by_the_trainer()
    {
        var config = new SoundStorm.Export.Acoustic.PaperModelConfig
        {
            Dim = 8, Layers = 1, Heads = 2, FeedForward = 16, ConvKernel = 3, Codebooks = 2, CodebookSize = 16, SemanticVocab = 5,
        };
        var e = Assert.Throws<DatasetFormatException>(() => new PaperObjective(config, new TrainOptions(), TokenDataset.Load(Dataset()), _temp.Sub("run")));
        Assert.Contains("codebookSize is 8; the model has 16", e.Message);
    }
}
