#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

// The names manifest.json uses for graph roles and model families.

/// <summary>The graph roles a model package may hold (keys of <see cref="ModelManifest.Graphs"/>).</summary>
static partial class GraphNames
{
    /// <summary>Token grid [batch, frames, Q] → embeddings [batch, frames, D]. Required.</summary>
    public const string Combiner = "combiner";

    /// <summary>Embeddings + semantic tokens + padding mask + level → logits. Required.</summary>
    public const string Transformer = "transformer";

    /// <summary>
    /// Seed family: the prompt's and the target's semantic tokens and the prompt's codes → each block's cross-attention
    /// keys and values, run once per generation; with it the transformer takes those instead of the tokens. Optional.
    /// </summary>
    public const string Condition = "condition";

    /// <summary>Codec tokens → waveform. Optional.</summary>
    public const string CodecDecoder = "codec_decoder";

    /// <summary>Waveform → codec tokens (for voice prompts). Optional.</summary>
    public const string CodecEncoder = "codec_encoder";

    /// <summary>Waveform → semantic tokens. Optional.</summary>
    public const string Semantic = "semantic";

    /// <summary>
    /// Waveform → the tokenizer's input-wide normalisation statistics, which the <see cref="Semantic"/> graph then takes
    /// as inputs (so long inputs tokenise in chunks exactly as in one pass). Optional; only with a semantic graph.
    /// </summary>
    public const string SemanticStatistics = "semantic_statistics";

    /// <summary>Phones → per-phone durations and per-frame semantic-unit logits (text to speech). Optional.</summary>
    public const string TextToSemantic = "text_to_semantic";

    /// <summary>Every known role.</summary>
    public static IReadOnlyList<string> All { get; } = [Combiner, Transformer, Condition, CodecDecoder, CodecEncoder, Semantic, SemanticStatistics, TextToSemantic];
}

/// <summary>Values of <see cref="ModelManifest.ModelFamily"/>: which sampling strategy the transformer was trained for.</summary>
static partial class ModelFamilies
{
    /// <summary>SoundStorm's level-wise MaskGIT (the transformer takes a <c>level</c> input).</summary>
    public const string MaskGit = "maskgit";

    /// <summary>The seed implementation's discrete diffusion over all codebooks at once (the transformer takes a <c>step</c> input).</summary>
    public const string SeedDiffusion = "seed-diffusion";
}
