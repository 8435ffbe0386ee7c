using SoundStorm.Onnx.Generation.Diffusion;
using SoundStorm.Onnx.Generation.Graphs;
using SoundStorm.Onnx.Generation.MaskGit;
using SoundStorm.Onnx.Generation.Sampling;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Onnx.Generation;

/// <summary>
/// The one place a package's <see cref="ModelManifest.ModelFamily"/> is decided: which graph adapter feeds its network
/// and which sampler turns the network's logits into tokens.
/// </summary>
internal abstract class SamplingFamily
{
    public static readonly SamplingFamily MaskGit = new MaskGitFamily();

    public static readonly SamplingFamily SeedDiffusion = new SeedDiffusionFamily();

    /// <summary>The family named <paramref name="name"/> (the manifest's value, validated when the package loaded).</summary>
    /// <exception cref="NotSupportedException">No such family.</exception>
    public static SamplingFamily For(string name) => name switch
    {
        ModelFamilies.MaskGit => MaskGit,
        ModelFamilies.SeedDiffusion => SeedDiffusion,
        _ => throw new NotSupportedException(
            $"Model family '{name}' is not supported by this version of the generator; only '{ModelFamilies.MaskGit}' and '{ModelFamilies.SeedDiffusion}' are."),
    };

    /// <summary>Opens the package's combiner and transformer behind the adapter this family's graphs need.</summary>
    public abstract ILogitsSource OpenGraphs(ModelPackage package, SessionSettings settings);

    /// <summary>The sampler of one run over <paramref name="workspace"/>.</summary>
    public abstract ISampler CreateSampler(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int logitsWidth,
        GenerationOptions options, ReadOnlySpan<ulong> seeds);

    private sealed class MaskGitFamily : SamplingFamily
    {
        public override ILogitsSource OpenGraphs(ModelPackage package, SessionSettings settings) => OnnxLogitsSource.Create(package, settings);

        public override ISampler CreateSampler(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int logitsWidth,
            GenerationOptions options, ReadOnlySpan<ulong> seeds) =>
            new MaskGitSampler(workspace, layout, vocab, logitsWidth, options, seeds);
    }

    private sealed class SeedDiffusionFamily : SamplingFamily
    {
        public override ILogitsSource OpenGraphs(ModelPackage package, SessionSettings settings) => SeedOnnxLogitsSource.Create(package, settings);

        // The network scores C classes per codebook (codes + pads); the schedule counts the mask as one more.
        public override ISampler CreateSampler(ILogitsWorkspace workspace, BatchLayout layout, TokenVocabulary vocab, int logitsWidth,
            GenerationOptions options, ReadOnlySpan<ulong> seeds)
        {
            int classes = logitsWidth / vocab.Codebooks;
            var schedule = new DiffusionSchedule(classes: classes + 1);
            return options.DiffusionSkipSteps > 0
                ? new SkipStepSampler(workspace, layout, vocab, classes, options, seeds, schedule)
                : new PuritySampler(workspace, layout, vocab, classes, options, seeds, schedule);
        }
    }
}
