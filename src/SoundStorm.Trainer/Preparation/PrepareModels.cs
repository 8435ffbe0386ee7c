using SoundStorm.Onnx;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Trainer.Preparation;

/// <summary>
/// The two graphs <c>prepare</c> runs: the semantic tokenizer and the codec encoder, from a full model package or —
/// before any acoustic model exists — from the fragment folders <c>soundstorm import hubert</c> / <c>import hificodec</c>
/// (or the trainer's exporters) wrote.
/// </summary>
internal sealed class PrepareModels : IDisposable
{
    private PrepareModels(SemanticTokenizer tokenizer, NeuralCodec codec)
    {
        Tokenizer = tokenizer;
        Codec = codec;
    }

    public SemanticTokenizer Tokenizer { get; }

    public NeuralCodec Codec { get; }

    /// <summary>From a model package (folder or zip) with 'semantic' and 'codec_encoder' graphs.</summary>
    public static PrepareModels FromPackage(string packagePath)
    {
        using var package = ModelPackage.Load(packagePath);
        return Open(() => new SemanticTokenizer(package), () => new NeuralCodec(package));
    }

    /// <summary>From a codec fragment folder and a semantic fragment folder; their sample rates must agree.</summary>
    public static PrepareModels FromFragments(string codecFolder, string semanticFolder)
    {
        var models = Open(() => SemanticTokenizer.FromFragment(semanticFolder), () => NeuralCodec.FromFragment(codecFolder));
        if (models.Codec.SampleRate != models.Tokenizer.SampleRate)
        {
            models.Dispose();
            throw new ModelPackageException(Path.Combine(codecFolder, PackageFragment.FileName), "sampleRate",
                $"{models.Tokenizer.SampleRate} (the semantic fragment's)", models.Codec.SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return models;
    }

    public void Dispose()
    {
        Codec.Dispose();
        Tokenizer.Dispose();
    }

    private static PrepareModels Open(Func<SemanticTokenizer> tokenizer, Func<NeuralCodec> codec)
    {
        var t = tokenizer();
        try
        {
            return new PrepareModels(t, codec());
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }
}
