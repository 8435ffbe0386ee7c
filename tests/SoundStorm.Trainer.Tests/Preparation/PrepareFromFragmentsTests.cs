using SoundStorm.Trainer.Preparation;

namespace SoundStorm.Trainer.Tests.Preparation;

/// <summary>
/// <c>prepare</c> before any acoustic model exists (the codec and semantic fragment folders instead of a package) and
/// from a corpus manifest (only split = train rows; held-out files never become training data).
/// </summary>
public sealed class PrepareFromFragmentsTests(SpeechPackageFixture fixture) : IClassFixture<SpeechPackageFixture>, IDisposable
{
    private const string Librivox = "/usr/share/pocketsphinx/test/data/librivox";
    private const string First = Librivox + "/sense_and_sensibility_01_austen_64kb-0870.wav";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // FullPackageFixture.Build imports the fragments beside the package folder.
    private string Fragment(string name) => Path.Combine(Path.GetDirectoryName(fixture.PackageFolder)!, name);

    private static string Speech(string number) => Path.Combine(Librivox, $"sense_and_sensibility_01_austen_64kb-{number}.wav");

    private string Corpus()
    {
        string corpus = _temp.Sub("corpus");
        foreach (var (voice, number) in new[] { ("narrator", "0870"), ("narrator", "0880"), ("other", "0930"), ("other", "0870") })
        {
            Directory.CreateDirectory(Path.Combine(corpus, "wav", voice));
            File.Copy(Speech(number), Path.Combine(corpus, "wav", voice, $"{number}.wav"));
        }
        File.WriteAllLines(Path.Combine(corpus, "manifest.tsv"),
        [
            "path\tvoice\tlanguage\tsource\tlicence\tsplit\ttranscript",
            "wav/narrator/0870.wav\tnarrator\ten\tpocketsphinx-testdata\tBSD-2\ttrain\tone",
            "wav/narrator/0880.wav\tnarrator\ten\tpocketsphinx-testdata\tBSD-2\ttest\ttwo",
            "wav/other/0930.wav\tother\ten\tpocketsphinx-testdata\tBSD-2\ttrain\tthree",
            "wav/other/0930.wav\tother\ten\tpocketsphinx-testdata\tBSD-2\ttrain\tthree again",
            "wav/other/0870.wav\tother\ten\tpocketsphinx-testdata\tBSD-2\ttrain\tfour",
        ]);
        return corpus;
    }

    [RequiresPathFact(First, "pocketsphinx-testdata", needsReferenceData: true)]
    public void Fragments_give_the_same_dataset_as_the_package_they_were_packed_into()
    {
        string corpus = Corpus();
        var sources = AudioCorpus.FromManifest(Path.Combine(corpus, "manifest.tsv"));
        using (var fromPackage = PrepareModels.FromPackage(fixture.PackageFolder))
            DatasetPreparer.Prepare(sources, corpus, fromPackage, _temp.Sub("package"));
        using (var fromFragments = PrepareModels.FromFragments(Fragment("codec"), Fragment("semantic")))
            DatasetPreparer.Prepare(sources, corpus, fromFragments, _temp.Sub("fragments"));

        var a = TokenDataset.Load(_temp.Sub("package"));
        var b = TokenDataset.Load(_temp.Sub("fragments"));
        Assert.Equal(a.Header.Codebooks, b.Header.Codebooks);
        Assert.Equal(a.Header.CodebookSize, b.Header.CodebookSize);
        Assert.Equal(a.Header.SemanticVocabulary, b.Header.SemanticVocabulary);
        Assert.Equal(a.Header.FrameRate, b.Header.FrameRate);
        Assert.Equal(a.Utterances.Select(u => u.Id), b.Utterances.Select(u => u.Id));
        for (int i = 0; i < a.Utterances.Count; i++)
        {
            Assert.Equal(a.Utterances[i].Semantic, b.Utterances[i].Semantic);
            Assert.Equal(a.Utterances[i].Frames, b.Utterances[i].Frames);
            for (int t = 0; t < a.Utterances[i].Frames; t++)
                for (int q = 0; q < a.Utterances[i].Codebooks; q++)
                    Assert.Equal(a.Utterances[i].Code(t, q), b.Utterances[i].Code(t, q));
        }
    }

    [RequiresPathFact(First, "pocketsphinx-testdata", needsReferenceData: true)]
    public void A_manifest_gives_its_train_rows_once_each_with_the_voice_as_speaker_and_never_a_held_out_file()
    {
        string corpus = Corpus();
        var sources = AudioCorpus.FromManifest(Path.Combine(corpus, "manifest.tsv"));
        // 0880 is split=test; 0930 is listed twice; the two 0870 files clash and get their voice prefixed.
        Assert.Equal(["narrator-0870", "0930", "other-0870"], sources.Select(s => s.Id));
        Assert.Equal(["narrator", "other", "other"], sources.Select(s => s.Speaker));
        Assert.Equal(Path.Combine(corpus, "wav", "other", "0930.wav"), sources[1].Path);
        Assert.DoesNotContain(sources, s => s.Path.Contains("0880", StringComparison.Ordinal));
    }

    [ReferenceFact]
    public void A_manifest_without_a_split_column_or_train_rows_is_one_error_naming_it()
    {
        string manifest = _temp.Sub("manifest.tsv");
        File.WriteAllLines(manifest, ["path\tvoice", "a.wav\tv"]);
        var error = Assert.Throws<DatasetFormatException>(() => AudioCorpus.FromManifest(manifest));
        Assert.Equal(manifest, error.File);
        Assert.Contains("'split'", error.Message);

        File.WriteAllLines(manifest, ["path\tvoice\tsplit", "a.wav\tv\ttest"]);
        error = Assert.Throws<DatasetFormatException>(() => AudioCorpus.FromManifest(manifest));
        Assert.Contains("split=train", error.Message);

        File.WriteAllLines(manifest, ["path\tvoice\tsplit", "a.wav\ttrain"]);
        error = Assert.Throws<DatasetFormatException>(() => AudioCorpus.FromManifest(manifest));
        Assert.Contains("line 2", error.Message);
    }

    [ReferenceFact]
    public void Swapped_or_inconsistent_fragment_folders_are_refused_with_the_field_at_fault()
    {
        // The codec folder has no semantic graph, and the semantic folder states no codebooks.
        var swapped = Assert.Throws<ModelPackageException>(() => PrepareModels.FromFragments(Fragment("semantic"), Fragment("codec")));
        Assert.Contains("semanticVocabulary", swapped.Field);

        // A codec fragment whose sample rate disagrees with the tokenizer's.
        string codec = _temp.Sub("codec");
        Directory.CreateDirectory(codec);
        foreach (string file in Directory.GetFiles(Fragment("codec"))) File.Copy(file, Path.Combine(codec, Path.GetFileName(file)));
        var fragment = PackageFragment.Read(codec);
        fragment.SampleRate = 24000;
        fragment.Write(codec);
        var mismatch = Assert.Throws<ModelPackageException>(() => PrepareModels.FromFragments(codec, Fragment("semantic")));
        Assert.Equal("sampleRate", mismatch.Field);
        Assert.Contains("16000", mismatch.Expected);
    }

    [ReferenceFact]
    public void A_fragment_graph_that_breaks_the_graph_contract_is_refused_naming_the_tensor()
    {
        // A "semantic" fragment whose graph is really the codec encoder: right input, but it outputs codes, not tokens.
        string semantic = _temp.Sub("semantic");
        Directory.CreateDirectory(semantic);
        File.Copy(Path.Combine(Fragment("codec"), "codec_encoder.onnx"), Path.Combine(semantic, "semantic.onnx"));
        new PackageFragment { SampleRate = 16000, FrameRate = 50, SemanticVocabulary = 32, Graphs = { [GraphNames.Semantic] = "semantic.onnx" } }.Write(semantic);
        var error = Assert.Throws<ModelPackageException>(() => SemanticTokenizer.FromFragment(semantic));
        Assert.Equal("graphs.semantic.outputs", error.Field);
        Assert.Contains("'tokens'", error.Expected);
        Assert.Contains("codes", error.Found);
    }
}
