namespace SoundStorm.Trainer.Tests.Paper;

/// <summary>
/// Moving a checkpoint to a new semantic vocabulary: new units that split old ones reproduce the old model exactly; new
/// units that merge old ones get the frame-weighted mean of their rows (checked against a float64 sum); bad inputs are
/// refused by name with nothing written.
/// </summary>
public sealed class SemanticUnitRemapTests : IDisposable
{
    private static readonly PaperModelConfig Tiny = TinyPaperRun.Config;

    private static readonly TrainOptions Short = TinyPaperRun.Options;

    private readonly TempFolder _temp = new();
    private readonly List<TokenUtterance> _utterances = TinyPaperRun.Utterances();

    public void Dispose() => _temp.Dispose();

    private TokenDataset Write(string name, int vocabulary, Func<long, int, long> unit, string idSuffix = "", int dropFrames = 0)
    {
        var utterances = _utterances.Select(u => u with
        {
            Id = u.Id + idSuffix,
            Semantic = u.Semantic.Take(u.Frames - dropFrames).Select((s, t) => unit(s, t)).ToArray(),
            Acoustic = u.Acoustic.Take((u.Frames - dropFrames) * u.Codebooks).ToArray(),
        }).ToList();
        TokenDatasetWriter.Write(_temp.Sub(name), Tiny.CodebookSize, vocabulary, 50, utterances);
        return TokenDataset.Load(_temp.Sub(name));
    }

    private TokenDataset Old() => Write("old", Tiny.SemanticVocab, (s, _) => s);

    private (string Checkpoint, ValidationRecord Model, ValidationRecord Ema) Train(TokenDataset dataset)
    {
        using var trainer = new PaperObjective(Tiny, Short, dataset, _temp.Sub("run"));
        var result = trainer.Run();
        return (result.CheckpointPath, trainer.Evaluate(trainer.Model, trainer.ValidationSet), trainer.Evaluate(trainer.EmaModel!, trainer.ValidationSet));
    }

    private static float[] Rows(TrainingCheckpoint checkpoint, string name) => checkpoint.Tensors[name].ToFloat32();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Units_that_split_old_ones_reproduce_the_old_model(bool fromEma)
    {
        var old = Old();
        var (checkpoint, model, ema) = Train(old);
        var split = Write("split", 2 * Tiny.SemanticVocab, (s, t) => 2 * s + t % 2); // every new unit lies inside one old unit
        string output = _temp.Sub("remapped.safetensors");

        var summary = SemanticUnitRemap.Rewrite(checkpoint, old, split, output, fromEma);

        Assert.Equal((5, 10, 10, fromEma), (summary.OldUnits, summary.NewUnits, summary.SharedUtterances, summary.FromEma));
        Assert.Equal(_utterances.Sum(u => (long)u.Frames), summary.Frames);
        var before = TrainingCheckpoint.Load(checkpoint);
        var after = TrainingCheckpoint.Load(output);
        Assert.Equal(10, after.Config.SemanticVocab);
        Assert.Equal(before.Step, after.Step);
        string source = (fromEma ? TrainingCheckpoint.EmaPrefix : TrainingCheckpoint.ModelPrefix) + SemanticUnitRemap.EmbeddingName;
        float[] oldRows = Rows(before, source), newRows = Rows(after, TrainingCheckpoint.ModelPrefix + SemanticUnitRemap.EmbeddingName);
        int dim = Tiny.Dim;
        for (int j = 0; j <= 10; j++)
        {
            int i = j == 10 ? 5 : j / 2; // padding row stays padding
            Assert.Equal(oldRows.AsSpan(i * dim, dim).ToArray(), newRows.AsSpan(j * dim, dim).ToArray());
        }

        // Same embeddings on every frame: the restarted model scores the new tokens exactly as the old one scored the old.
        using var restarted = PaperObjective.StartFrom(output, Short with { Steps = 1 }, split, _temp.Sub("restart"));
        Assert.Equal((fromEma ? ema : model).Loss, restarted.Evaluate(restarted.Model, restarted.ValidationSet).Loss);
    }

    [Fact]
    public void Units_that_merge_old_ones_get_the_frame_weighted_mean_of_their_rows()
    {
        var old = Old();
        var (checkpoint, _, _) = Train(old);
        const int merged = 4; // units 0..2 used (old % 3), unit 3 never occurs
        var coarse = Write("coarse", merged, (s, _) => s % 3);
        string output = _temp.Sub("remapped.safetensors");

        SemanticUnitRemap.Rewrite(checkpoint, old, coarse, output, fromEma: false);

        var before = TrainingCheckpoint.Load(checkpoint);
        var after = TrainingCheckpoint.Load(output);
        string name = TrainingCheckpoint.ModelPrefix + SemanticUnitRemap.EmbeddingName;
        float[] oldRows = Rows(before, name), newRows = Rows(after, name);
        int dim = Tiny.Dim;
        var occurrences = new long[Tiny.SemanticVocab];
        foreach (var u in _utterances) foreach (long s in u.Semantic) occurrences[s]++;
        for (int j = 0; j < merged; j++)
        {
            var members = Enumerable.Range(0, Tiny.SemanticVocab).Where(i => j == 3 || i % 3 == j).ToArray();
            double total = members.Sum(i => (double)occurrences[i]);
            for (int d = 0; d < dim; d++)
            {
                double expected = members.Sum(i => occurrences[i] * (double)oldRows[i * dim + d]) / total;
                Assert.Equal(expected, newRows[j * dim + d], 5);
            }
        }
        Assert.Equal(oldRows.AsSpan(5 * dim, dim).ToArray(), newRows.AsSpan(merged * dim, dim).ToArray());
        Assert.All(Rows(after, "adam.m." + SemanticUnitRemap.EmbeddingName), v => Assert.Equal(0f, v));
        Assert.Equal(new long[] { merged + 1, dim }, after.Tensors["ema." + SemanticUnitRemap.EmbeddingName].Shape);
        foreach (var (key, tensor) in before.Tensors.Where(t => !t.Key.EndsWith(SemanticUnitRemap.EmbeddingName, StringComparison.Ordinal)))
            Assert.True(tensor.Data.Span.SequenceEqual(after.Tensors[key].Data.Span), $"{key} changed");
    }

    [Fact]
    public void Bad_inputs_are_refused_by_name_and_nothing_is_written()
    {
        var old = Old();
        var (checkpoint, _, _) = Train(old);
        string output = _temp.Sub("remapped.safetensors");

        var shorter = Write("shorter", 6, (s, _) => s, dropFrames: 1);
        var frames = Assert.Throws<InvalidDataException>(() => SemanticUnitRemap.Rewrite(checkpoint, old, shorter, output, false));
        Assert.Contains($"utterance '{_utterances[0].Id}': {_utterances[0].Frames} frames", frames.Message);

        var wrongOld = Write("wrong-old", 7, (s, _) => s);
        var vocabulary = Assert.Throws<ArgumentException>(() => SemanticUnitRemap.Rewrite(checkpoint, wrongOld, old, output, false));
        Assert.Contains("semanticVocabulary is 7", vocabulary.Message);
        Assert.Contains("trained on 5 units", vocabulary.Message);

        var renamed = Write("renamed", 6, (s, _) => s, idSuffix: "-other");
        Assert.Contains("no utterance id", Assert.Throws<InvalidDataException>(() => SemanticUnitRemap.Rewrite(checkpoint, old, renamed, output, false)).Message);

        Assert.Contains("not over its source", Assert.Throws<ArgumentException>(() => SemanticUnitRemap.Rewrite(checkpoint, old, old, checkpoint, false)).Message);

        using (var trainer = new PaperObjective(Tiny, Short with { EmaDecay = 0, Steps = 1 }, old, _temp.Sub("no-ema"))) trainer.Run();
        string noEma = Path.Combine(_temp.Sub("no-ema"), "checkpoint.safetensors");
        Assert.Contains("has no EMA weights", Assert.Throws<ArgumentException>(() => SemanticUnitRemap.Rewrite(noEma, old, old, output, true)).Message);

        Assert.False(File.Exists(output));
    }
}
