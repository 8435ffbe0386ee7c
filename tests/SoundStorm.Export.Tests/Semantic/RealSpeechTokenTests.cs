using SoundStorm.Export.Semantic;
using static SoundStorm.Export.Tests.Semantic.HubertReference;

namespace SoundStorm.Export.Tests.Semantic;

/// <summary>Skips, naming the Debian package, when a test file is not installed.</summary>
public sealed class RequiresFileFactAttribute : FactAttribute
{
    public RequiresFileFactAttribute(string path, string package)
    {
        // The tokeniser comes from the reference checkpoint as well.
        if (!SoundStorm.Tests.Shared.ReferenceData.IsAvailable) Skip = SoundStorm.Tests.Shared.ReferenceData.MissingReason;
        else if (!System.IO.File.Exists(path)) Skip = $"{path} is absent: apt-get install -y {package}";
    }
}

/// <summary>Real 16 kHz speech read from WAV files and tokenised by the graph imported from the reference checkpoint.</summary>
public class RealSpeechTokenTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Utterance = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0930.wav";

    private static Dictionary<string, DTensor> Tokenize(float[] samples)
    {
        var (weights, config, _) = HubertImporter.ReadModel(File("model.pth"), File("torchaudio_config.json"));
        var model = SemanticGraph.Build(config, weights, 2, KMeansReader.Read(File("kmeans_centroids.npy")));
        return OrtRunner.Run(model, new Feed("waveform", samples, [1, samples.Length]));
    }

    [ReferenceFact]
    public void The_reference_wav_read_from_disk_gives_the_reference_tokens()
    {
        float[] samples = AudioClip.ReadWav(File("input.wav")).ToMono();
        Assert.Equal(24000, samples.Length);
        var tokens = Tokenize(samples)["tokens"].Data.Select(v => (long)v).ToArray();
        Assert.Equal(Ids("kmeans_tokens.npy"), tokens);
    }

    [RequiresFileFact(Utterance, "pocketsphinx-testdata")]
    public void A_librivox_utterance_gives_one_token_per_frame_within_the_vocabulary()
    {
        var clip = AudioClip.ReadWav(Utterance);
        Assert.Equal(16000, clip.SampleRate);
        float[] samples = clip.ToMono();
        var tokens = Tokenize(samples)["tokens"];
        long frames = (samples.Length - 400) / 320 + 1;
        Assert.Equal(new[] { 1, (int)frames }, tokens.Shape);
        Assert.All(tokens.Data, t => Assert.InRange(t, 0, 31));
        int distinct = tokens.Data.Distinct().Count();
        output.WriteLine($"{samples.Length} samples → {frames} tokens, {distinct} distinct: {string.Join(' ', tokens.Data.Take(40))} …");
        // The centroids were fitted on these utterances' layer-2 frames, so speech spreads over most clusters.
        Assert.True(distinct >= 16, $"only {distinct} distinct tokens");
    }
}
