using System.Text.Json;
using System.Text.RegularExpressions;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Trainer.Data;

/// <summary>A token dataset folder (see <see cref="TokenDatasetHeader"/>) loaded and checked in full.</summary>
internal sealed partial class TokenDataset
{
    /// <summary>Name of the header file inside the folder.</summary>
    public const string HeaderFile = "dataset.json";

    private TokenDataset(string folder, TokenDatasetHeader header, IReadOnlyList<TokenUtterance> utterances)
    {
        Folder = folder;
        Header = header;
        Utterances = utterances;
    }

    /// <summary>The dataset folder.</summary>
    public string Folder { get; }

    /// <summary>The parsed header.</summary>
    public TokenDatasetHeader Header { get; }

    /// <summary>Checks the dataset's vocabularies against a model's; a mismatch names dataset.json and both numbers.</summary>
    public void EnsureFits(int codebooks, int codebookSize, int semanticVocabulary)
    {
        string file = Path.Combine(Folder, HeaderFile);
        var h = Header;
        if (h.Codebooks != codebooks) throw new DatasetFormatException(file, $"codebooks is {h.Codebooks}; the model has {codebooks} codebooks.");
        if (h.CodebookSize != codebookSize) throw new DatasetFormatException(file, $"codebookSize is {h.CodebookSize}; the model has {codebookSize} codes per codebook.");
        if (h.SemanticVocabulary != semanticVocabulary) throw new DatasetFormatException(file, $"semanticVocabulary is {h.SemanticVocabulary}; the model has {semanticVocabulary}.");
    }

    /// <summary>Every utterance in header order.</summary>
    public IReadOnlyList<TokenUtterance> Utterances { get; }

    /// <summary>
    /// The training and held-out utterances: the last ⌈<paramref name="validationFraction"/> · n⌉ in
    /// <c>dataset.json</c> order are held out, but at least one utterance is kept for training (and none held out of one).
    /// </summary>
    public (TokenUtterance[] Train, TokenUtterance[] Validation) Split(double validationFraction)
    {
        int count = Utterances.Count;
        int held = count > 1 ? Math.Min(count - 1, (int)Math.Ceiling(validationFraction * count)) : 0;
        return (Utterances.Take(count - held).ToArray(), Utterances.Skip(count - held).ToArray());
    }

    /// <summary>
    /// Loads and validates a dataset folder. Every problem is a <see cref="DatasetFormatException"/> naming the file
    /// and what was expected. <paramref name="expectedCodebooks"/> etc., when given, must equal the header's numbers.
    /// </summary>
    public static TokenDataset Load(string folder, int? expectedCodebooks = null, int? expectedCodebookSize = null, int? expectedSemanticVocabulary = null)
    {
        if (!Directory.Exists(folder)) throw new DatasetFormatException(folder, "dataset folder not found.");
        string headerPath = Path.Combine(folder, HeaderFile);
        if (!File.Exists(headerPath))
            throw new DatasetFormatException(headerPath, $"missing; a token dataset folder needs {HeaderFile} (codebooks, codebookSize, semanticVocabulary, frameRate, utterances).");
        TokenDatasetHeader header;
        try
        {
            header = JsonSerializer.Deserialize<TokenDatasetHeader>(File.ReadAllText(headerPath))
                ?? throw new DatasetFormatException(headerPath, "is 'null'; expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(headerPath, $"not valid dataset JSON ({e.Message}).", e);
        }
        CheckHeader(headerPath, header);
        CheckExpected(headerPath, "codebooks", expectedCodebooks, header.Codebooks);
        CheckExpected(headerPath, "codebookSize", expectedCodebookSize, header.CodebookSize);
        CheckExpected(headerPath, "semanticVocabulary", expectedSemanticVocabulary, header.SemanticVocabulary);

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var utterances = new List<TokenUtterance>(header.Utterances.Count);
        foreach (var entry in header.Utterances)
        {
            if (entry.Id is null || !SafeId().IsMatch(entry.Id) || entry.Id is "." or "..")
                throw new DatasetFormatException(headerPath, $"utterance id '{entry.Id}' must be a plain folder name (letters, digits, '-', '_', '.').");
            if (!ids.Add(entry.Id)) throw new DatasetFormatException(headerPath, $"utterance id '{entry.Id}' appears twice.");
            if (entry.Frames <= 0) throw new DatasetFormatException(headerPath, $"utterance '{entry.Id}' has {entry.Frames} frames; expected at least 1.");
            utterances.Add(LoadUtterance(folder, header, entry));
        }
        return new TokenDataset(folder, header, utterances);
    }

    private static void CheckHeader(string path, TokenDatasetHeader h)
    {
        if (h.FormatVersion != TokenDatasetHeader.CurrentVersion)
            throw new DatasetFormatException(path, $"formatVersion {h.FormatVersion}; expected {TokenDatasetHeader.CurrentVersion}.");
        if (h.Codebooks <= 0) throw new DatasetFormatException(path, $"codebooks is {h.Codebooks}; expected a positive number of levels.");
        if (h.CodebookSize <= 1) throw new DatasetFormatException(path, $"codebookSize is {h.CodebookSize}; expected at least 2.");
        if (h.SemanticVocabulary <= 0) throw new DatasetFormatException(path, $"semanticVocabulary is {h.SemanticVocabulary}; expected a positive size.");
        if (!(h.FrameRate > 0)) throw new DatasetFormatException(path, $"frameRate is {h.FrameRate}; expected frames per second > 0.");
        if (h.Utterances.Count == 0) throw new DatasetFormatException(path, "lists no utterances; expected at least one.");
    }

    private static void CheckExpected(string path, string field, int? expected, int found)
    {
        if (expected is { } e && e != found)
            throw new DatasetFormatException(path, $"{field} is {found}; the model expects {e}.");
    }

    private static TokenUtterance LoadUtterance(string folder, TokenDatasetHeader h, UtteranceEntry entry)
    {
        string dir = Path.Combine(folder, entry.Id);
        long[] semantic = ReadInts(Path.Combine(dir, "semantic.npy"), new[] { entry.Frames }, h.SemanticVocabulary, "semantic ids");
        long[] acoustic = ReadInts(Path.Combine(dir, "acoustic.npy"), new[] { entry.Frames, h.Codebooks }, h.CodebookSize, "acoustic codes");
        return new TokenUtterance(entry.Id, entry.Speaker, semantic, acoustic, h.Codebooks);
    }

    private static long[] ReadInts(string path, int[] shape, int vocabulary, string what)
    {
        string expectedShape = $"[{string.Join(", ", shape)}]";
        if (!File.Exists(path)) throw new DatasetFormatException(path, $"missing; expected int64 {what} of shape {expectedShape}.");
        NpyArray array;
        try { array = NpyFile.Read(path); }
        catch (Exception e) when (e is NpyFormatException or EndOfStreamException or IOException)
        {
            throw new DatasetFormatException(path, $"unreadable .npy ({e.Message}); expected int64 {what} of shape {expectedShape}.", e);
        }
        if (!array.Shape.SequenceEqual(shape))
            throw new DatasetFormatException(path, $"shape [{string.Join(", ", array.Shape)}]; expected {expectedShape} (frames from dataset.json, levels = codebooks).");
        if (array.Data is not (long[] or int[] or short[] or byte[] or sbyte[] or ushort[] or uint[]))
            throw new DatasetFormatException(path, $"element type {array.ElementType}; expected integer {what} (int64).");
        long[] values = array.ToInt64();
        for (int i = 0; i < values.Length; i++)
            if (values[i] < 0 || values[i] >= vocabulary)
                throw new DatasetFormatException(path, $"element {i} is {values[i]}; {what} must lie in 0..{vocabulary - 1}.");
        return values;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$")]
    private static partial Regex SafeId();
}
