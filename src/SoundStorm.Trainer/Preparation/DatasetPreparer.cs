using System.Diagnostics;
using System.Globalization;
using SoundStorm.Onnx;
using SoundStorm.Export.Packaging;
using SoundStorm.Trainer.Data;

namespace SoundStorm.Trainer.Preparation;

/// <summary>What <c>DatasetPreparer.Prepare</c> did.</summary>
internal sealed record PrepareResult(int Written, IReadOnlyList<string> Skipped, long Frames);

/// <summary>
/// Turns a folder (or a corpus manifest's training rows) of speech (WAV, any rate and channel count) into a token
/// dataset with a package's — or two fragment folders' — <c>semantic</c> and <c>codec_encoder</c> graphs: each file is down-mixed, resampled to the package's rate, tokenized and encoded;
/// the two token streams are cut to the shorter frame count. Speaker and id come from <see cref="AudioCorpus"/>.
/// A file that cannot be read or is too short for one frame stops the run with one error naming it, unless
/// <c>skipBadFiles</c> is set: then it is reported as a warning and left out.
/// </summary>
internal static class DatasetPreparer
{
    public static PrepareResult Prepare(string audioFolder, string packagePath, string outputFolder, bool skipBadFiles = false, TextWriter? log = null)
    {
        var sources = AudioCorpus.Find(audioFolder);
        CheckNewDataset(outputFolder);
        using var models = PrepareModels.FromPackage(packagePath);
        return Prepare(sources, audioFolder, models, outputFolder, skipBadFiles, log);
    }

    /// <summary>Tokenizes <paramref name="sources"/> (named <paramref name="label"/> in errors) with already opened graphs.</summary>
    public static PrepareResult Prepare(IReadOnlyList<AudioSource> sources, string label, PrepareModels models, string outputFolder,
        bool skipBadFiles = false, TextWriter? log = null)
    {
        log ??= TextWriter.Null;
        CheckNewDataset(outputFolder);
        var tokenizer = models.Tokenizer;
        var codec = models.Codec;
        if (!codec.CanEncode)
            throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.CodecEncoder}",
                "a codec_encoder graph (preparing a dataset encodes audio into acoustic codes)", "no such entry");
        double semanticRate = tokenizer.SampleRate / 320.0; // HuBERT's hop
        if (Math.Abs(semanticRate - codec.FrameRate) > 1e-6)
            throw new ModelPackageException(ModelManifest.FileName, "frameRate",
                $"codec frames at the semantic token rate ({semanticRate} Hz) so the two streams align frame by frame", $"{codec.FrameRate} Hz");

        log.WriteLine($"preparing {sources.Count} files at {tokenizer.SampleRate} Hz: Q={codec.Codebooks}, V={codec.CodebookSize}, K={tokenizer.Vocabulary}, {codec.FrameRate} frames/s");
        var entries = new List<UtteranceEntry>(sources.Count);
        var skipped = new List<string>();
        long totalFrames = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            TokenUtterance utterance;
            try
            {
                utterance = Encode(source, tokenizer, codec);
            }
            catch (DatasetFormatException e) when (skipBadFiles)
            {
                skipped.Add(source.Path);
                log.WriteLine($"warning: skipped {e.Message}");
                continue;
            }
            TokenDatasetWriter.WriteUtterance(outputFolder, utterance);
            entries.Add(new UtteranceEntry(utterance.Id, utterance.Speaker, utterance.Frames));
            totalFrames += utterance.Frames;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{i + 1}/{sources.Count}] {utterance.Id} ({utterance.Speaker ?? "no speaker"}): {utterance.Frames} frames, {clock.Elapsed.TotalSeconds:F1} s"));
        }
        if (entries.Count == 0)
            throw new DatasetFormatException(label, $"none of its {sources.Count} .wav files could be used (all were skipped).");
        TokenDatasetWriter.WriteHeader(outputFolder, codec.Codebooks, codec.CodebookSize, tokenizer.Vocabulary, codec.FrameRate, entries);
        log.WriteLine($"wrote {entries.Count} utterances ({totalFrames} frames){(skipped.Count > 0 ? $", skipped {skipped.Count}" : "")} → {outputFolder}");
        return new PrepareResult(entries.Count, skipped, totalFrames);
    }

    private static void CheckNewDataset(string outputFolder)
    {
        string headerPath = Path.Combine(outputFolder, TokenDataset.HeaderFile);
        if (File.Exists(headerPath))
            throw new DatasetFormatException(headerPath, "already exists; prepare writes a new dataset into an empty or new folder.");
    }

    private static TokenUtterance Encode(AudioSource source, SemanticTokenizer tokenizer, NeuralCodec codec)
    {
        AudioClip clip;
        try
        {
            clip = AudioClip.ReadWav(source.Path);
        }
        catch (AudioFormatException e)
        {
            throw new DatasetFormatException(source.Path, $"unreadable WAV (field '{e.Field}': expected {e.Expected}, found {e.Found}).", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(source.Path, $"unreadable WAV ({e.Message}).", e);
        }
        float[] audio = clip.ToMono(tokenizer.SampleRate); // the filter for each rate is designed once for the whole run
        int frames = Math.Min(SemanticTokenizer.FrameCount(audio.Length), audio.Length / codec.Hop);
        if (frames == 0)
            throw new DatasetFormatException(source.Path,
                $"too short: {audio.Length} samples at {tokenizer.SampleRate} Hz give no token frame (at least 400 samples and one codec hop of {codec.Hop} are needed).");
        long[] semantic;
        CodeGrid codes;
        try
        {
            semantic = tokenizer.Tokenize(audio);
            codes = codec.Encode(audio);
        }
        catch (ArgumentException e)
        {
            throw new DatasetFormatException(source.Path, $"cannot be encoded ({e.Message}).", e);
        }
        return new TokenUtterance(source.Id, source.Speaker, semantic[..frames], codes.Slice(0, frames).AsSpan().ToArray(), codes.Codebooks);
    }
}
