using SoundStorm.Export.Acoustic;

namespace SoundStorm.Export.Tests.Acoustic;

/// <summary>
/// Reading a paper-family model back out of its graphs (<see cref="PaperGraphWeights"/>) gives the configuration and
/// the exact state dict the graphs were written from; float16-stored weights come back as their half-precision values.
/// </summary>
public class PaperGraphWeightsTests
{
    private static readonly PaperModelConfig Small = new()
    {
        Dim = 16, Layers = 2, Heads = 2, FeedForward = 24, ConvKernel = 3, Codebooks = 3, CodebookSize = 11, SemanticVocab = 7,
    };

    public static TheoryData<CombinerKind, float> Configs => new()
    {
        { CombinerKind.Sum, 10000f },
        { CombinerKind.UNet, 10000f },
        { CombinerKind.Sum, 500f },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Float32_graphs_give_back_the_config_and_every_tensor_exactly(CombinerKind kind, float rotaryBase)
    {
        var config = Small with { Combiner = kind, RotaryBase = rotaryBase, Layers = kind == CombinerKind.Sum ? 2 : 1 };
        var written = PaperStateDict.Random(config, 11);
        var (combiner, transformer) = Reparse(PaperGraphs.Build(config, written));

        var (readConfig, read) = PaperGraphWeights.Read(combiner, transformer);

        Assert.Equal(config, readConfig);
        foreach (var (name, shape) in PaperStateDict.Shapes(config))
        {
            Assert.Equal(shape, read.Peek(name).Shape);
            Assert.Equal(written.Peek(name).Data, read.Peek(name).Data);
        }
        Assert.Equal(PaperStateDict.Shapes(config).Count(), read.Names.Count());
    }

    [Fact]
    public void Float16_graphs_give_back_each_weight_rounded_to_half_precision()
    {
        var written = PaperStateDict.Random(Small, 12);
        var (c, t) = PaperGraphs.Build(Small, written);
        // Threshold 100 elements: the Linear matrices, embeddings and stacked heads go to float16; norms stay float32.
        var (combiner, transformer) = Reparse((Float16Weights.Convert(c, 100), Float16Weights.Convert(t, 100)));

        var (config, read) = PaperGraphWeights.Read(combiner, transformer);

        Assert.Equal(Small, config);
        int halved = 0;
        foreach (var (name, shape) in PaperStateDict.Shapes(Small))
        {
            long stored = name.StartsWith("heads.", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal)
                ? Small.Codebooks * shape.Aggregate(1L, (a, b) => a * b)
                : name.StartsWith("heads.", StringComparison.Ordinal) ? Small.Codebooks * shape[0] : shape.Aggregate(1L, (a, b) => a * b);
            bool half = stored >= 100;
            halved += half ? 1 : 0;
            var expected = written.Peek(name).Data.Select(v => half ? (float)(Half)v : v).ToArray();
            Assert.Equal(expected, read.Peek(name).Data);
        }
        Assert.True(halved > 20, $"only {halved} tensors were stored as float16; the test would not check the conversion");
    }

    [Fact]
    public void Float16_rotary_table_still_gives_the_default_base()
    {
        var (c, t) = PaperGraphs.Build(Small, PaperStateDict.Random(Small, 13));
        // Threshold 8 (the head size): the rotary table is stored as float16 too (the scalar constants stay float32).
        var (combiner, transformer) = Reparse((Float16Weights.Convert(c, 8), Float16Weights.Convert(t, 8)));
        Assert.Equal(10000f, PaperGraphWeights.Read(combiner, transformer).Config.RotaryBase);
    }

    [Fact]
    public void Graphs_of_another_family_are_refused_by_family()
    {
        var (combiner, transformer) = Reparse(PaperGraphs.Build(Small, PaperStateDict.Random(Small, 16)));
        transformer.Proto.MetadataProps.Single(p => p.Key == "soundstorm.family").Value = "seed-diffusion";
        var e = Assert.Throws<OnnxFormatException>(() => PaperGraphWeights.Read(combiner, transformer, "pkg"));
        Assert.Equal("pkg: the graphs are of the 'seed-diffusion' family; only the paper family ('maskgit') can be read back into a training checkpoint.", e.Message);
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var (combiner, transformer) = Reparse(PaperGraphs.Build(Small, PaperStateDict.Random(Small, 14)));
        var initializers = transformer.Proto.Graph.Initializer;
        initializers.Remove(initializers.Single(i => i.Name == "blocks.1.conv.pointwise2.bias"));
        var e = Assert.Throws<OnnxFormatException>(() => PaperGraphWeights.Read(combiner, transformer, "pkg"));
        Assert.Equal("pkg: the graphs hold no tensor 'blocks.1.conv.pointwise2.bias'.", e.Message);
    }

    [Fact]
    public void A_transformer_without_size_metadata_is_refused_naming_the_key()
    {
        var (combiner, transformer) = Reparse(PaperGraphs.Build(Small, PaperStateDict.Random(Small, 15)));
        var props = transformer.Proto.MetadataProps;
        props.Remove(props.Single(p => p.Key == "soundstorm.heads"));
        var e = Assert.Throws<OnnxFormatException>(() => PaperGraphWeights.Read(combiner, transformer, "pkg"));
        Assert.Contains("'soundstorm.heads'", e.Message);
    }

    // Through bytes, as a package's files are read: initializers then live in the protobuf message, not as payloads.
    private static (OnnxModel, OnnxModel) Reparse((OnnxModel Combiner, OnnxModel Transformer) graphs) =>
        (OnnxModel.Parse(graphs.Combiner.ToBytes()), OnnxModel.Parse(graphs.Transformer.ToBytes()));
}
