using System.Text.Json;
using SoundStorm.Onnx.IO;

namespace SoundStorm.Trainer.Data;

/// <summary>Writes a token dataset folder in the layout <see cref="TokenDataset"/> reads.</summary>
internal static class TokenDatasetWriter
{
    /// <summary>Writes dataset.json and each utterance's semantic.npy / acoustic.npy.</summary>
    public static void Write(string folder, int codebookSize, int semanticVocabulary, double frameRate, IReadOnlyList<TokenUtterance> utterances)
    {
        if (utterances.Count == 0) throw new ArgumentException("A dataset needs at least one utterance.", nameof(utterances));
        int codebooks = utterances[0].Codebooks;
        Directory.CreateDirectory(folder);
        foreach (var u in utterances)
        {
            string dir = Path.Combine(folder, u.Id);
            Directory.CreateDirectory(dir);
            NpyFile.Write(Path.Combine(dir, "semantic.npy"), new NpyArray(u.Semantic, u.Frames));
            NpyFile.Write(Path.Combine(dir, "acoustic.npy"), new NpyArray(u.Acoustic, u.Frames, codebooks));
        }
        var header = new TokenDatasetHeader
        {
            Codebooks = codebooks, CodebookSize = codebookSize, SemanticVocabulary = semanticVocabulary, FrameRate = frameRate,
            Utterances = utterances.Select(u => new UtteranceEntry(u.Id, u.Speaker, u.Frames)).ToList(),
        };
        File.WriteAllText(Path.Combine(folder, TokenDataset.HeaderFile), JsonSerializer.Serialize(header, new JsonSerializerOptions { WriteIndented = true }));
    }
}
