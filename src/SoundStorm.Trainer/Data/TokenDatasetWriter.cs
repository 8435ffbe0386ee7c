using System.Text.Json;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Trainer.Data;

/// <summary>Writes a token dataset folder in the layout <see cref="TokenDataset"/> reads.</summary>
internal static class TokenDatasetWriter
{
    /// <summary>Writes dataset.json and each utterance's semantic.npy / acoustic.npy.</summary>
    public static void Write(string folder, int codebookSize, int semanticVocabulary, double frameRate, IReadOnlyList<TokenUtterance> utterances)
    {
        if (utterances.Count == 0) throw new ArgumentException("A dataset needs at least one utterance.", nameof(utterances));
        foreach (var u in utterances) WriteUtterance(folder, u);
        WriteHeader(folder, utterances[0].Codebooks, codebookSize, semanticVocabulary, frameRate, utterances.Select(u => new UtteranceEntry(u.Id, u.Speaker, u.Frames)).ToList());
    }

    /// <summary>Writes one utterance's <c>&lt;id&gt;/semantic.npy</c> and <c>&lt;id&gt;/acoustic.npy</c>.</summary>
    public static void WriteUtterance(string folder, TokenUtterance u)
    {
        string dir = Path.Combine(folder, u.Id);
        Directory.CreateDirectory(dir);
        NpyFile.Write(Path.Combine(dir, "semantic.npy"), new NpyArray(u.Semantic, u.Frames));
        NpyFile.Write(Path.Combine(dir, "acoustic.npy"), new NpyArray(u.Acoustic, u.Frames, u.Codebooks));
    }

    /// <summary>Writes <c>dataset.json</c> listing <paramref name="entries"/> (written last, once every utterance is on disk).</summary>
    public static void WriteHeader(string folder, int codebooks, int codebookSize, int semanticVocabulary, double frameRate, List<UtteranceEntry> entries)
    {
        if (entries.Count == 0) throw new ArgumentException("A dataset needs at least one utterance.", nameof(entries));
        Directory.CreateDirectory(folder);
        var header = new TokenDatasetHeader
        {
            Codebooks = codebooks, CodebookSize = codebookSize, SemanticVocabulary = semanticVocabulary, FrameRate = frameRate, Utterances = entries,
        };
        File.WriteAllText(Path.Combine(folder, TokenDataset.HeaderFile), JsonSerializer.Serialize(header, new JsonSerializerOptions { WriteIndented = true }));
    }
}
