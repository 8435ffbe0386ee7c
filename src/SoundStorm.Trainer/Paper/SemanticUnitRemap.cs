using SoundStorm.Export.Checkpoints;
using SoundStorm.Trainer.Data;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// Moves an acoustic-model checkpoint to another semantic vocabulary — e.g. more k-means units of the same HuBERT layer —
/// without starting over. Each new unit's embedding row becomes the mean of the old units' rows, weighted by how often
/// each old unit falls on the same frames as the new one in two tokenisations of the same corpus; every other weight is
/// kept. A warm restart on the new tokens then begins about where the old model was, instead of from random rows.
/// </summary>
internal static class SemanticUnitRemap
{
    /// <summary>The state-dict name of the semantic embedding (K + 1 rows; row K is padding).</summary>
    public const string EmbeddingName = "semantic_emb.weight";

    /// <summary>
    /// Frame counts [new unit, old unit] over the utterances both datasets hold (matched by id), and how many those are.
    /// An utterance whose frame counts differ between the two is an <see cref="InvalidDataException"/> naming it: the
    /// datasets must tokenise the same audio at the same frame rate.
    /// </summary>
    public static (long[,] Counts, int SharedUtterances) CoOccurrence(TokenDataset oldTokens, TokenDataset newTokens)
    {
        var counts = new long[newTokens.Header.SemanticVocabulary, oldTokens.Header.SemanticVocabulary];
        var old = oldTokens.Utterances.ToDictionary(u => u.Id, StringComparer.Ordinal);
        int shared = 0;
        foreach (var utterance in newTokens.Utterances)
        {
            if (!old.TryGetValue(utterance.Id, out var before)) continue;
            if (before.Frames != utterance.Frames)
            {
                throw new InvalidDataException(
                    $"utterance '{utterance.Id}': {before.Frames} frames in {oldTokens.Folder} but {utterance.Frames} in {newTokens.Folder}; both datasets must tokenise the same audio at the same frame rate.");
            }
            for (int t = 0; t < utterance.Frames; t++) counts[utterance.Semantic[t], before.Semantic[t]]++;
            shared++;
        }
        if (shared == 0) throw new InvalidDataException($"no utterance id of {newTokens.Folder} is in {oldTokens.Folder}; nothing to match the units on.");
        return (counts, shared);
    }

    /// <summary>
    /// The new embedding, (new units + 1) × <paramref name="dim"/> row-major: row j is the co-occurrence-weighted mean of
    /// the old rows; a new unit that never occurs gets the old rows' frequency-weighted mean (what the model saw on
    /// average); the padding row is copied.
    /// </summary>
    public static float[] RemapRows(ReadOnlySpan<float> oldRows, int dim, long[,] counts)
    {
        int newUnits = counts.GetLength(0), oldUnits = counts.GetLength(1);
        if (oldRows.Length != (oldUnits + 1) * dim)
            throw new ArgumentException($"the old embedding has {oldRows.Length} values; {oldUnits} units + padding × {dim} need {(oldUnits + 1) * dim}.");
        var prior = new long[oldUnits];
        for (int j = 0; j < newUnits; j++)
            for (int i = 0; i < oldUnits; i++) prior[i] += counts[j, i];

        var rows = new float[(newUnits + 1) * dim];
        var sum = new double[dim];
        for (int j = 0; j <= newUnits; j++)
        {
            if (j == newUnits)
            {
                oldRows.Slice(oldUnits * dim, dim).CopyTo(rows.AsSpan(newUnits * dim, dim));
                break;
            }
            long total = 0;
            for (int i = 0; i < oldUnits; i++) total += counts[j, i];
            Array.Clear(sum);
            for (int i = 0; i < oldUnits; i++)
            {
                long weight = total > 0 ? counts[j, i] : prior[i];
                if (weight == 0) continue;
                var row = oldRows.Slice(i * dim, dim);
                for (int d = 0; d < dim; d++) sum[d] += weight * (double)row[d];
            }
            double norm = total > 0 ? total : prior.Sum();
            for (int d = 0; d < dim; d++) rows[j * dim + d] = (float)(sum[d] / norm);
        }
        return rows;
    }

    /// <summary>
    /// Writes a copy of the checkpoint at <paramref name="checkpointPath"/> that reads <paramref name="newTokens"/>'
    /// units. <paramref name="oldTokens"/> must be the tokenisation the checkpoint was trained on (same semantic
    /// vocabulary). With <paramref name="fromEma"/> the EMA weights become the model weights too, so that a warm restart
    /// (which starts from the model weights) starts from the averaged ones. AdamW's moments for the embedding restart at
    /// zero. Nothing is written when an input is wrong.
    /// </summary>
    public static RemapSummary Rewrite(string checkpointPath, TokenDataset oldTokens, TokenDataset newTokens, string outputPath, bool fromEma)
    {
        if (Path.GetFullPath(outputPath) == Path.GetFullPath(checkpointPath))
            throw new ArgumentException($"{outputPath}: write the remapped checkpoint to a new file, not over its source.");
        var checkpoint = TrainingCheckpoint.Load(checkpointPath);
        var config = checkpoint.Config;
        if (oldTokens.Header.SemanticVocabulary != config.SemanticVocab)
        {
            throw new ArgumentException(
                $"{Path.Combine(oldTokens.Folder, TokenDataset.HeaderFile)}: semanticVocabulary is {oldTokens.Header.SemanticVocabulary}, but {checkpointPath} was trained on {config.SemanticVocab} units; give the dataset it was trained on.");
        }
        newTokens.EnsureFits(config.Codebooks, config.CodebookSize, newTokens.Header.SemanticVocabulary);
        if (fromEma && !checkpoint.HasEma) throw new ArgumentException($"{checkpointPath}: has no EMA weights to start from; leave out --ema.");

        var (counts, shared) = CoOccurrence(oldTokens, newTokens);
        int newUnits = newTokens.Header.SemanticVocabulary;
        var tensors = new Dictionary<string, CheckpointTensor>(checkpoint.Tensors, StringComparer.Ordinal);
        if (fromEma)
        {
            foreach (var (name, tensor) in checkpoint.Under(TrainingCheckpoint.EmaPrefix))
                tensors[TrainingCheckpoint.ModelPrefix + name] = tensor.WithName(TrainingCheckpoint.ModelPrefix + name);
        }
        foreach (var name in tensors.Keys.Where(n => n.EndsWith(EmbeddingName, StringComparison.Ordinal)).ToList())
        {
            var old = tensors[name];
            if (old.Shape.Count != 2 || old.Shape[0] != config.SemanticVocab + 1)
                throw new CheckpointFormatException($"{checkpointPath}: '{name}' has shape [{string.Join(", ", old.Shape)}]; expected [{config.SemanticVocab + 1}, {config.Dim}].");
            int dim = (int)old.Shape[1];
            bool moments = name.StartsWith(TrainingCheckpoint.AdamPrefix, StringComparison.Ordinal);
            var rows = moments ? new float[(newUnits + 1) * dim] : RemapRows(old.ToFloat32(), dim, counts);
            tensors[name] = CheckpointTensor.FromFloat32(name, [newUnits + 1, dim], rows);
        }

        var remapped = checkpoint with { Config = config with { SemanticVocab = newUnits }, Tensors = tensors };
        remapped.WriteTo(outputPath);
        long frames = 0;
        foreach (long c in counts) frames += c;
        return new RemapSummary(config.SemanticVocab, newUnits, shared, frames, fromEma);
    }
}

/// <summary>What <see cref="SemanticUnitRemap.Rewrite"/> did: vocabulary sizes, the utterances and frames it matched.</summary>
internal sealed record RemapSummary(int OldUnits, int NewUnits, int SharedUtterances, long Frames, bool FromEma);
