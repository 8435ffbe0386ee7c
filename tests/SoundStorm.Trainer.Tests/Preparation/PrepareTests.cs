using SoundStorm.Trainer.Preparation;

namespace SoundStorm.Trainer.Tests.Preparation;

/// <summary>
/// <c>prepare</c> on real speech (LibriVox excerpts shipped with pocketsphinx) with the reference HuBERT + HiFi-Codec:
/// folder layout → ids and speakers, resampling, frame alignment, the written files, and bad input.
/// </summary>
public sealed class PrepareTests(SpeechPackageFixture fixture, ITestOutputHelper output) : IClassFixture<SpeechPackageFixture>, IDisposable
{
    private const string Librivox = "/usr/share/pocketsphinx/test/data/librivox";
    private const string First = Librivox + "/sense_and_sensibility_01_austen_64kb-0870.wav";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Speech(string number) => Path.Combine(Librivox, $"sense_and_sensibility_01_austen_64kb-{number}.wav");

    private static string Copy(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(source, destination);
        return destination;
    }

    [RequiresPathFact(First, "pocketsphinx-testdata", needsReferenceData: true)]
    public void Prepare_turns_a_speaker_folder_tree_into_an_aligned_token_dataset()
    {
        string audio = _temp.Sub("audio");
        Copy(Speech("0930"), Path.Combine(audio, "0930.wav"));
        Copy(Speech("0870"), Path.Combine(audio, "spkA", "0870.wav"));
        Copy(Speech("0880"), Path.Combine(audio, "spkA", "0880.wav"));
        // The same speech as spkA/0870, but stereo at 22.05 kHz: prepare must bring it back to the package's 16 kHz.
        var original = AudioClip.ReadWav(Speech("0870"));
        float[] resampled = original.ToMono(22050);
        Directory.CreateDirectory(Path.Combine(audio, "spkB"));
        new AudioClip([resampled, (float[])resampled.Clone()], 22050).WriteWav(Path.Combine(audio, "spkB", "0870.wav"), WavSampleFormat.Float32);

        var log = new StringWriter();
        var result = DatasetPreparer.Prepare(audio, fixture.PackageFolder, _temp.Sub("tokens"), log: log);
        output.WriteLine(log.ToString());
        Assert.Equal(4, result.Written);
        Assert.Empty(result.Skipped);
        Assert.Contains("[4/4]", log.ToString());

        var dataset = TokenDataset.Load(_temp.Sub("tokens"));
        using var package = ModelPackage.Load(fixture.PackageFolder);
        Assert.Equal(package.Codebooks, dataset.Header.Codebooks);
        Assert.Equal(package.CodebookSize, dataset.Header.CodebookSize);
        Assert.Equal(package.SemanticVocabulary, dataset.Header.SemanticVocabulary);
        Assert.Equal(package.FrameRate, dataset.Header.FrameRate);
        // Ordinal order of relative paths; the two 0870 files clash, so both get their speaker prefixed.
        Assert.Equal(["0930", "spkA-0870", "0880", "spkB-0870"], dataset.Utterances.Select(u => u.Id));
        Assert.Equal([null, "spkA", "spkA", "spkB"], dataset.Utterances.Select(u => u.Speaker));

        // The 16 kHz files: the graphs run directly on the samples, both streams cut to the shorter count.
        using var tokenizer = new SemanticTokenizer(package);
        using var codec = new NeuralCodec(package);
        foreach (var (id, number) in new[] { ("0930", "0930"), ("spkA-0870", "0870"), ("0880", "0880") })
        {
            float[] samples = AudioClip.ReadWav(Speech(number)).ToMono();
            long[] semantic = tokenizer.Tokenize(samples);
            CodeGrid codes = codec.Encode(samples);
            int frames = Math.Min(semantic.Length, codes.Frames);
            Assert.Equal(Math.Min((samples.Length - 400) / 320 + 1, samples.Length / 320), frames);
            var u = dataset.Utterances.Single(x => x.Id == id);
            Assert.Equal(frames, u.Frames);
            Assert.Equal(semantic[..frames], u.Semantic);
            for (int t = 0; t < frames; t++)
                for (int q = 0; q < u.Codebooks; q++)
                    Assert.True(codes[t, q] == u.Code(t, q), $"{id}: code [{t}, {q}] is {u.Code(t, q)}, the codec gives {codes[t, q]}");
        }

        // The resampled copy lands on (almost) the same tokens as the original: it was resampled back, not read at 22.05 kHz.
        var a = dataset.Utterances[1];
        var b = dataset.Utterances[3];
        Assert.InRange(b.Frames, a.Frames - 1, a.Frames + 1);
        int n = Math.Min(a.Frames, b.Frames);
        double semanticAgree = Enumerable.Range(0, n).Count(t => a.Semantic[t] == b.Semantic[t]) / (double)n;
        double codeAgree = Enumerable.Range(0, n).Count(t => a.Code(t, 0) == b.Code(t, 0)) / (double)n;
        output.WriteLine($"22.05 kHz stereo copy vs 16 kHz original: semantic tokens equal {semanticAgree:P1}, level-0 codes equal {codeAgree:P1} of {n} frames");
        Assert.True(semanticAgree >= 0.8, $"semantic tokens of the resampled copy agree on {semanticAgree:P1} of frames");
    }

    [RequiresPathFact(First, "pocketsphinx-testdata", needsReferenceData: true)]
    public void A_bad_file_stops_prepare_with_one_error_naming_it_or_is_skipped_with_a_warning()
    {
        string audio = _temp.Sub("audio");
        Copy(Speech("0880"), Path.Combine(audio, "spk", "good.wav"));
        string broken = Path.Combine(audio, "spk", "broken.wav");
        File.WriteAllBytes(broken, "RIFF\x10\0\0\0WAVEjunkjunkjunk"u8.ToArray());
        string tiny = Path.Combine(audio, "spk", "tiny.wav");
        new AudioClip(new float[300], 16000).WriteWav(tiny);

        var error = Assert.Throws<DatasetFormatException>(() => DatasetPreparer.Prepare(audio, fixture.PackageFolder, _temp.Sub("strict")));
        Assert.Equal(broken, error.File);
        Assert.Contains("unreadable WAV", error.Message);
        Assert.False(File.Exists(Path.Combine(_temp.Sub("strict"), TokenDataset.HeaderFile)), "no dataset.json after a failed run");

        var log = new StringWriter();
        var result = DatasetPreparer.Prepare(audio, fixture.PackageFolder, _temp.Sub("lenient"), skipBadFiles: true, log);
        output.WriteLine(log.ToString());
        Assert.Equal([broken, tiny], result.Skipped);
        Assert.Contains($"warning: skipped {broken}: unreadable WAV", log.ToString());
        Assert.Contains($"warning: skipped {tiny}: too short", log.ToString());
        var dataset = TokenDataset.Load(_temp.Sub("lenient"));
        Assert.Equal(["good"], dataset.Utterances.Select(u => u.Id));
        Assert.Equal(result.Frames, dataset.Utterances[0].Frames);
    }

    [ReferenceFact]
    public void An_empty_folder_is_one_error_naming_it()
    {
        string audio = _temp.Sub("empty");
        Directory.CreateDirectory(Path.Combine(audio, "spk"));
        File.WriteAllText(Path.Combine(audio, "spk", "notes.txt"), "no audio here");
        var error = Assert.Throws<DatasetFormatException>(() => DatasetPreparer.Prepare(audio, fixture.PackageFolder, _temp.Sub("tokens")));
        Assert.Equal(audio, error.File);
        Assert.Contains("no .wav files", error.Message);
    }
}
