namespace SoundStorm.Cli.Tests;

/// <summary>
/// scripts/corpus/align-phones.py on real recorded speech (pocketsphinx-testdata): the labels, read as a phone
/// sequence, are one of CMUdict's pronunciations of the transcript, one label per tokenizer frame; what cannot be
/// aligned is listed with its reason. scripts/corpus/phone-tokens.py: labels reach the utterances `prepare` named from
/// the same manifest, one-frame differences are padded, larger ones refused.
/// </summary>
public sealed class CorpusScriptTests : IDisposable
{
    private const string Model = "/usr/share/pocketsphinx/model/en-us";
    private const string Librivox = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-";
    private const string Header = "path\tvoice\tlanguage\tsource\tlicence\tsplit\ttranscript\n";
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool AlignmentToolsMissing()
    {
        bool missing = ScriptRunner.Python() is null || !File.Exists("/usr/bin/pocketsphinx_batch") || !File.Exists("/usr/bin/sox")
            || !File.Exists($"{Model}/cmudict-en-us.dict") || !File.Exists($"{Librivox}0880.wav");
        Assert.False(missing && Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") == "1",
            "align-phones.py needs python3, pocketsphinx, pocketsphinx-en-us, sox and pocketsphinx-testdata");
        return missing;
    }

    [Fact]
    public void Aligned_labels_spell_a_dictionary_pronunciation_of_the_transcript_one_label_per_frame()
    {
        if (AlignmentToolsMissing()) return;
        string corpus = $"{_dir}/corpus";
        foreach (var (folder, file, id) in new[] { ("reader", "0880", "0880"), ("reader", "0930", "0930"), ("reader", "0890", "0890"), ("asterisk-en", "beep", "0870") })
        {
            Directory.CreateDirectory($"{corpus}/wav/{folder}");
            File.Copy($"{Librivox}{id}.wav", $"{corpus}/wav/{folder}/{file}.wav");
        }
        File.WriteAllText($"{corpus}/manifest.tsv", Header
            + "wav/reader/0880.wav\treader\ten\tt\tl\ttrain\tHe was not an ill-disposed young man.\n"
            + "wav/reader/0930.wav\treader\ten\tt\tl\ttrain\tHe might even have been made zqxvw himself.\n"
            + "wav/reader/0890.wav\treader\ten\tt\tl\ttest\tUnless to be rather cold hearted.\n"
            + "wav/asterisk-en/beep.wav\tasterisk-en\ten\tt\tl\ttrain\t[beep]\n");

        ScriptRunner.Run("corpus/align-phones.py", corpus, "--split", "train", "--check", "1");

        var rows = File.ReadAllLines($"{corpus}/phones/phones.tsv");
        Assert.Equal(["path\tframes\tlabels"], rows[..1]);
        Assert.Equal(2, rows.Length); // 0890 is held out, the other two cannot be aligned
        string[] fields = rows[1].Split('\t');
        Assert.Equal("wav/reader/0880.wav", fields[0]);
        int samples = AudioClip.ReadWav($"{corpus}/wav/reader/0880.wav").ToMono().Length;
        string[] labels = fields[2].Split(' ');
        Assert.Equal((samples - 400) / 320 + 1, labels.Length);
        Assert.Equal(labels.Length, int.Parse(fields[1]));

        var spoken = Collapse(labels.Where(l => l != "SIL"));
        var pronunciations = Pronunciations("he was not an ill disposed young man".Split(' '));
        Assert.Contains(string.Join(" ", spoken), pronunciations.Select(p => string.Join(" ", Collapse(p))));

        var failed = File.ReadAllLines($"{corpus}/phones/failed.tsv");
        Assert.Contains("wav/reader/0930.wav\tnot in the dictionary: zqxvw", failed);
        Assert.Contains("wav/asterisk-en/beep.wav\tno text", failed); // a recording's [note] is a sound, not words
        string check = File.ReadAllLines($"{corpus}/phones/check.tsv")[1];
        Assert.StartsWith("wav/reader/0880.wav\t8\t", check);
        Assert.InRange(double.Parse(check.Split('\t')[2], System.Globalization.CultureInfo.InvariantCulture), 0, 100); // ms: two decodes of the same words agree within a few frames
    }

    // Every way the dictionary lets the words be said, as phone sequences.
    private static List<List<string>> Pronunciations(string[] words)
    {
        var entries = new Dictionary<string, List<string[]>>();
        foreach (string line in File.ReadLines($"{Model}/cmudict-en-us.dict"))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) continue;
            string word = parts[0].Split('(')[0];
            if (Array.IndexOf(words, word) < 0) continue;
            if (!entries.TryGetValue(word, out var list)) entries[word] = list = [];
            list.Add(parts[1..]);
        }
        var result = new List<List<string>> { new() };
        foreach (string word in words)
            result = result.SelectMany(prefix => entries[word].Select(p => prefix.Concat(p).ToList())).ToList();
        return result;
    }

    // Runs of one phone become one: frame labels repeat a phone for its duration.
    private static List<string> Collapse(IEnumerable<string> phones)
    {
        var result = new List<string>();
        foreach (string p in phones)
            if (result.Count == 0 || result[^1] != p) result.Add(p);
        return result;
    }

    [Fact]
    public void Phone_tokens_give_the_labels_to_the_utterances_prepare_named_and_keep_their_codes()
    {
        if (ScriptRunner.Python() is null) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        // Two voices both have x.wav, so prepare names them a-x and b-x; y.wav keeps its name; the test row is not data.
        File.WriteAllText($"{_dir}/manifest.tsv", Header
            + "wav/a/x.wav\ta\ten\ts\tl\ttrain\tt\nwav/b/x.wav\tb\ten\ts\tl\ttrain\tt\nwav/a/y.wav\ta\ten\ts\tl\ttrain\tt\nwav/a/z.wav\ta\ten\ts\tl\ttest\tt\n");
        EvaluationScriptTests.WriteTokens($"{_dir}/tokens", ("a-x", "a", [0, 1, 2, 3], [5, 6, 7, 1]), ("b-x", "b", [3, 2, 1], [2, 2, 4]), ("y", "a", [1, 1], [3, 3]));
        File.WriteAllText($"{_dir}/phones.tsv", "path\tframes\tlabels\nwav/a/x.wav\t4\tSIL HH IY SIL\nwav/b/x.wav\t2\tAA B\n");

        ScriptRunner.Run("corpus/phone-tokens.py", $"{_dir}/tokens", $"{_dir}/manifest.tsv", $"{_dir}/phones.tsv", $"{_dir}/out");

        string json = File.ReadAllText($"{_dir}/out/dataset.json");
        Assert.Contains("\"semanticVocabulary\": 40", json);
        Assert.DoesNotContain("\"y\"", json); // no labels, left out
        Assert.Equal([0L, 16, 18, 0], NpyFile.Read($"{_dir}/out/a-x/semantic.npy").ToInt64());
        Assert.Equal([1L, 7, 7], NpyFile.Read($"{_dir}/out/b-x/semantic.npy").ToInt64()); // one label short: the last repeats
        Assert.Equal(NpyFile.Read($"{_dir}/tokens/b-x/acoustic.npy").ToInt64(), NpyFile.Read($"{_dir}/out/b-x/acoustic.npy").ToInt64());

        File.WriteAllText($"{_dir}/phones.tsv", "path\tframes\tlabels\nwav/a/x.wav\t2\tSIL HH\n");
        ScriptRunner.AssertRefused("wav/a/x.wav: 2 aligned frames but 4 in", "corpus/phone-tokens.py", $"{_dir}/tokens", $"{_dir}/manifest.tsv", $"{_dir}/phones.tsv", $"{_dir}/out2");
        Assert.False(Directory.Exists($"{_dir}/out2") || Directory.Exists($"{_dir}/out2.partial")); // nothing half-written
    }
}
