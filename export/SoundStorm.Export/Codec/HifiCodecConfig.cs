
namespace SoundStorm.Export.Codec;

/// <summary>
/// The architecture of an AcademiCodec HiFi-Codec (encoder, group-residual quantizer, generator) as read from its
/// config json. The generator follows the json in order; the encoder mirrors it (rates, kernels and resblock lists
/// reversed), with widths doubling from <see cref="EncoderInitialChannel"/> per stage as upstream hard-codes.
/// </summary>
/// <param name="UpsampleRates">Generator up-sampling factors (<c>upsample_rates</c>); the encoder uses them reversed as strides.</param>
/// <param name="UpsampleKernelSizes">Generator transposed-conv kernels (<c>upsample_kernel_sizes</c>).</param>
/// <param name="UpsampleInitialChannel">Generator width after <c>conv_pre</c> (<c>upsample_initial_channel</c>), halved per stage.</param>
/// <param name="ResblockKernelSizes">Kernel of each ResBlock1 in a multi-receptive-field stage (<c>resblock_kernel_sizes</c>).</param>
/// <param name="ResblockDilationSizes">Dilations of each ResBlock1 (<c>resblock_dilation_sizes</c>).</param>
/// <param name="SamplingRate">Sample rate in Hz (<c>sampling_rate</c>).</param>
/// <param name="CodeGroups">Groups the latent is split into for quantization (<c>n_code_groups</c>).</param>
/// <param name="CodebookSize">Codewords per codebook (<c>n_codes</c>).</param>
/// <param name="ResidualLevels">Residual quantization levels; upstream hard-codes 2 (optional key <c>n_residual_levels</c>).</param>
/// <param name="EncoderInitialChannel">Encoder width after <c>conv_pre</c>; upstream hard-codes 32 (optional key <c>encoder_initial_channel</c>).</param>
/// <param name="CodebookLossLambda">Training only: weight of ‖q − sg(z)‖² (<c>codebook_loss_lambda</c>, default 1).</param>
/// <param name="CommitmentLossLambda">Training only: weight of ‖sg(q) − z‖² (<c>commitment_loss_lambda</c>, default 0.25).</param>
public sealed record HifiCodecConfig(
    int[] UpsampleRates,
    int[] UpsampleKernelSizes,
    int UpsampleInitialChannel,
    int[] ResblockKernelSizes,
    int[][] ResblockDilationSizes,
    int SamplingRate,
    int CodeGroups,
    int CodebookSize,
    int ResidualLevels = 2,
    int EncoderInitialChannel = 32,
    double CodebookLossLambda = 1.0,
    double CommitmentLossLambda = 0.25)
{
    /// <summary>Leaky-ReLU slope inside the codec; the encoder's last activation uses PyTorch's default 0.01 instead.</summary>
    public const float LeakySlope = 0.1f;

    /// <summary>Slope of the activation before the encoder's <c>conv_post</c> (upstream calls leaky_relu without a slope).</summary>
    public const float EncoderPostSlope = 0.01f;

    /// <summary>Slope of the activation before the generator's <c>conv_post</c>.</summary>
    public const float GeneratorPostSlope = 0.1f;

    /// <summary>GroupNorm epsilon in the encoder.</summary>
    public const float GroupNormEps = 1e-6f;

    /// <summary>Up- or down-sampling stages.</summary>
    public int Stages => UpsampleRates.Length;

    /// <summary>ResBlocks per stage.</summary>
    public int KernelsPerStage => ResblockKernelSizes.Length;

    /// <summary>Samples per code frame: the product of the rates (320 for 16k-320d).</summary>
    public int Hop => UpsampleRates.Aggregate(1, (a, b) => a * b);

    /// <summary>Latent width: the encoder's last stage (512 upstream), also the generator's input width.</summary>
    public int LatentDim => EncoderInitialChannel << Stages;

    /// <summary>Width of one code group (latent / groups).</summary>
    public int GroupDim => LatentDim / CodeGroups;

    /// <summary>Codes per frame: levels × groups, ordered level-major (c0..c{G-1} = level 0).</summary>
    public int CodesPerFrame => ResidualLevels * CodeGroups;

    /// <summary>Encoder width after down-sampling stage <paramref name="stage"/>.</summary>
    public int EncoderChannels(int stage) => EncoderInitialChannel << (stage + 1);

    /// <summary>Generator width after up-sampling stage <paramref name="stage"/>.</summary>
    public int GeneratorChannels(int stage) => UpsampleInitialChannel >> (stage + 1);

    /// <summary>Encoder stride of stage <paramref name="stage"/> (config rates reversed).</summary>
    public int EncoderStride(int stage) => UpsampleRates[Stages - 1 - stage];

    /// <summary>Encoder down-sampling kernel of stage <paramref name="stage"/> (config kernels reversed).</summary>
    public int EncoderKernel(int stage) => UpsampleKernelSizes[Stages - 1 - stage];

    /// <summary>Kernel of the encoder's resblock <paramref name="j"/> within a stage (config list reversed).</summary>
    public int EncoderResblockKernel(int j) => ResblockKernelSizes[KernelsPerStage - 1 - j];

    /// <summary>Dilations of the encoder's resblock <paramref name="j"/> within a stage (config list reversed).</summary>
    public int[] EncoderResblockDilations(int j) => ResblockDilationSizes[KernelsPerStage - 1 - j];

    /// <summary>GroupNorm groups after encoder stage <paramref name="stage"/>: channels / 16 as upstream (at least 1 for narrow test codecs).</summary>
    public int EncoderNormGroups(int stage) => Math.Max(1, EncoderChannels(stage) / 16);

    /// <summary>Padding of a strided (transposed) convolution as upstream: (kernel − stride) / 2.</summary>
    public static int StridedPadding(int kernel, int stride) => (kernel - stride) / 2;

    /// <summary>Reads an AcademiCodec config json (training-only keys are ignored).</summary>
    public static HifiCodecConfig Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { throw new HifiCodecConfigException($"{path}: cannot read the codec config ({e.Message})."); }
        return Parse(text, path);
    }

    /// <summary>Parses config json text; <paramref name="source"/> names it in error messages.</summary>
    public static HifiCodecConfig Parse(string json, string source = "config")
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new HifiCodecConfigException($"{source}: not valid json ({e.Message})."); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new HifiCodecConfigException($"{source}: expected a json object at the top level.");
            string resblock = Field(root, "resblock", source).ToString();
            if (resblock != "1")
                throw new HifiCodecConfigException($"{source}: 'resblock' is \"{resblock}\"; only ResBlock1 (\"1\") is supported.");
            var config = new HifiCodecConfig(
                IntArray(root, "upsample_rates", source),
                IntArray(root, "upsample_kernel_sizes", source),
                Int(root, "upsample_initial_channel", source),
                IntArray(root, "resblock_kernel_sizes", source),
                IntLists(root, "resblock_dilation_sizes", source),
                Int(root, "sampling_rate", source),
                Int(root, "n_code_groups", source),
                Int(root, "n_codes", source),
                root.TryGetProperty("n_residual_levels", out _) ? Int(root, "n_residual_levels", source) : 2,
                root.TryGetProperty("encoder_initial_channel", out _) ? Int(root, "encoder_initial_channel", source) : 32,
                Double(root, "codebook_loss_lambda", 1.0, source),
                Double(root, "commitment_loss_lambda", 0.25, source));
            config.Validate(source);
            return config;
        }
    }

    /// <summary>The configuration as AcademiCodec config json (the field names <see cref="Parse"/> reads), indented.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["resblock"] = "1",
        ["upsample_rates"] = UpsampleRates,
        ["upsample_kernel_sizes"] = UpsampleKernelSizes,
        ["upsample_initial_channel"] = UpsampleInitialChannel,
        ["resblock_kernel_sizes"] = ResblockKernelSizes,
        ["resblock_dilation_sizes"] = ResblockDilationSizes,
        ["sampling_rate"] = SamplingRate,
        ["n_code_groups"] = CodeGroups,
        ["n_codes"] = CodebookSize,
        ["n_residual_levels"] = ResidualLevels,
        ["encoder_initial_channel"] = EncoderInitialChannel,
        ["codebook_loss_lambda"] = CodebookLossLambda,
        ["commitment_loss_lambda"] = CommitmentLossLambda,
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Checks that the lists agree and every width divides as the network needs.</summary>
    public void Validate(string source = "config")
    {
        void Fail(string message) => throw new HifiCodecConfigException($"{source}: {message}");
        if (Stages == 0) Fail("'upsample_rates' is empty.");
        if (UpsampleKernelSizes.Length != Stages)
            Fail($"'upsample_kernel_sizes' has {UpsampleKernelSizes.Length} entries, 'upsample_rates' has {Stages}.");
        if (KernelsPerStage == 0) Fail("'resblock_kernel_sizes' is empty.");
        if (ResblockDilationSizes.Length != KernelsPerStage)
            Fail($"'resblock_dilation_sizes' has {ResblockDilationSizes.Length} entries, 'resblock_kernel_sizes' has {KernelsPerStage}.");
        if (ResblockDilationSizes.Any(d => d.Length == 0)) Fail("a 'resblock_dilation_sizes' entry is empty.");
        if (UpsampleRates.Concat(UpsampleKernelSizes).Concat(ResblockKernelSizes).Any(v => v <= 0))
            Fail("rates and kernel sizes must be positive.");
        if (UpsampleInitialChannel <= 0 || (UpsampleInitialChannel >> Stages) <= 0 || UpsampleInitialChannel % (1 << Stages) != 0)
            Fail($"'upsample_initial_channel' {UpsampleInitialChannel} must be divisible by 2^{Stages} (halved per stage).");
        if (EncoderInitialChannel <= 0) Fail("'encoder_initial_channel' must be positive.");
        if (CodeGroups <= 0 || LatentDim % CodeGroups != 0) Fail($"'n_code_groups' {CodeGroups} must divide the latent width {LatentDim}.");
        if (CodebookSize <= 0) Fail("'n_codes' must be positive.");
        if (ResidualLevels <= 0) Fail("'n_residual_levels' must be positive.");
        if (SamplingRate <= 0) Fail("'sampling_rate' must be positive.");
        for (int i = 0; i < Stages; i++)
            if (EncoderChannels(i) % EncoderNormGroups(i) != 0)
                Fail($"encoder width {EncoderChannels(i)} of stage {i} is not divisible by its {EncoderNormGroups(i)} GroupNorm groups.");
    }

    private static JsonElement Field(JsonElement root, string name, string source) =>
        root.TryGetProperty(name, out var value) ? value : throw new HifiCodecConfigException($"{source}: missing field '{name}'.");

    private static int Int(JsonElement root, string name, string source)
    {
        var value = Field(root, name, source);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n)
            ? n
            : throw new HifiCodecConfigException($"{source}: field '{name}' must be an integer, found {value.GetRawText()}.");
    }

    private static double Double(JsonElement root, string name, double fallback, string source)
    {
        if (!root.TryGetProperty(name, out var value)) return fallback;
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new HifiCodecConfigException($"{source}: field '{name}' must be a number, found {value.GetRawText()}.");
    }

    private static int[][] IntLists(JsonElement root, string name, string source)
    {
        var value = Field(root, name, source);
        if (value.ValueKind != JsonValueKind.Array)
            throw new HifiCodecConfigException($"{source}: field '{name}' must be a list of integer lists, found {value.GetRawText()}.");
        return value.EnumerateArray().Select(e => Ints(e, name, source)).ToArray();
    }

    private static int[] IntArray(JsonElement root, string name, string source) => Ints(Field(root, name, source), name, source);

    private static int[] Ints(JsonElement value, string name, string source)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new HifiCodecConfigException($"{source}: field '{name}' must be a list of integers, found {value.GetRawText()}.");
        return value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int n)
            ? n
            : throw new HifiCodecConfigException($"{source}: field '{name}' must hold integers, found {e.GetRawText()}.")).ToArray();
    }
}
