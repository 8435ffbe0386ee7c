using SoundStorm.Export.Codec;
using SoundStorm.Export.Weights;
using SoundStorm.Trainer.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec;

// The HiFi-Codec (AcademiCodec) in one file, nanoGPT-style. Its configuration is HifiCodecConfig
// (export/SoundStorm.Export/Codec), the record the graph writers read too; then the modules in the order data flows
// through them — the weight-normed convolution they are built from, the encoder, the group-residual quantiser, the
// generator's residual block and the generator — and last the codec. Parameter names are upstream's and the graph
// writers' (HifiCodecStateDict).

/// <summary>
/// A Conv1d or ConvTranspose1d under PyTorch weight norm (dim 0), with the checkpoint's parameter names
/// <c>bias</c>, <c>weight_g</c>, <c>weight_v</c>: weight = weight_g · weight_v / ‖weight_v‖, the norm per index of
/// dim 0 (output channels of a conv, input channels of a transposed conv, whose weight is [in, out, k]).
/// </summary>
internal sealed class WeightNormConv1d : nn.Module<Tensor, Tensor>, ISeededReset
{
    private readonly Parameter bias;
    private readonly Parameter weight_g;
    private readonly Parameter weight_v;
    private readonly bool _transposed;
    private readonly long _stride, _padding, _dilation;

    /// <summary>Creates the layer with PyTorch's default init for v and bias, and g = ‖v‖ (an identity weight norm).</summary>
    public WeightNormConv1d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, long dilation = 1, bool transposed = false)
        : base(nameof(WeightNormConv1d))
    {
        _transposed = transposed;
        (_stride, _padding, _dilation) = (stride, padding, dilation);
        long[] shape = transposed ? new[] { inChannels, outChannels, kernel } : new[] { outChannels, inChannels, kernel };
        using (no_grad())
        {
            weight_v = new Parameter(empty(shape));
            weight_g = new Parameter(empty(shape[0], 1, 1));
            bias = new Parameter(empty(outChannels));
        }
        Draw(null);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public void Reset(Generator generator) => Draw(generator);

    // PyTorch's conv init for v and the bias (U(±1/√(fan_in)), fan_in = dim 1 · kernel), then g = ‖v‖.
    private void Draw(Generator? generator)
    {
        using var _ = no_grad();
        double bound = 1.0 / Math.Sqrt(weight_v.shape[1] * weight_v.shape[2]);
        weight_v.uniform_(-bound, bound, generator);
        weight_g.copy_(Norm(weight_v));
        bias.uniform_(-bound, bound, generator);
    }

    /// <summary>The dense weight the layer applies (what the ONNX importer folds to).</summary>
    public Tensor Weight() => weight_g * weight_v / Norm(weight_v);

    /// <summary>x [B, Cin, T] → [B, Cout, T'].</summary>
    public override Tensor forward(Tensor x) => _transposed
        ? nn.functional.conv_transpose1d(x, Weight(), bias, stride: _stride, padding: _padding, dilation: _dilation)
        : nn.functional.conv1d(x, Weight(), bias, stride: _stride, padding: _padding, dilation: _dilation);

    private static Tensor Norm(Tensor v) => v.square().sum(new long[] { 1, 2 }, keepdim: true).sqrt();
}

/// <summary>
/// The codec encoder (AcademiCodec <c>Encoder</c>): waveform [B, 1, N] → latent [B, D, ⌊N/hop⌋]. Stages mirror the
/// generator (config lists reversed); each stage's resblocks are summed with a GroupNorm after every partial sum.
/// </summary>
internal sealed class HifiCodecEncoder : nn.Module<Tensor, Tensor>
{
    private readonly WeightNormConv1d conv_pre;
    private readonly ModuleList<WeightNormConv1d> ups;
    private readonly ModuleList<ResBlock1> resblocks;
    private readonly ModuleList<GroupNorm> normalize;
    private readonly Conv1d conv_post;
    private readonly HifiCodecConfig _config;

    /// <summary>Creates the encoder for <paramref name="config"/>.</summary>
    public HifiCodecEncoder(HifiCodecConfig config) : base(nameof(HifiCodecEncoder))
    {
        _config = config;
        conv_pre = new WeightNormConv1d(1, config.EncoderInitialChannel, 7, padding: 3);
        var down = new List<WeightNormConv1d>();
        var blocks = new List<ResBlock1>();
        var norms = new List<GroupNorm>();
        for (int i = 0; i < config.Stages; i++)
        {
            int ch = config.EncoderChannels(i), kernel = config.EncoderKernel(i), stride = config.EncoderStride(i);
            down.Add(new WeightNormConv1d(ch / 2, ch, kernel, stride, HifiCodecConfig.StridedPadding(kernel, stride)));
            for (int j = 0; j < config.KernelsPerStage; j++)
            {
                blocks.Add(new ResBlock1(ch, config.EncoderResblockKernel(j), config.EncoderResblockDilations(j)));
                var norm = nn.GroupNorm(config.EncoderNormGroups(i), ch, HifiCodecConfig.GroupNormEps);
                // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised (seen as 0 and 5e26): set PyTorch's 1 and 0.
                using (no_grad())
                {
                    norm.weight!.fill_(1);
                    norm.bias!.zero_();
                }
                norms.Add(norm);
            }
        }
        ups = nn.ModuleList(down.ToArray());
        resblocks = nn.ModuleList(blocks.ToArray());
        normalize = nn.ModuleList(norms.ToArray());
        conv_post = nn.Conv1d(config.LatentDim, config.LatentDim, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>x [B, 1, N] → latent [B, D, ⌊N/hop⌋].</summary>
    public override Tensor forward(Tensor x)
    {
        // Upstream normalises the running sum after every addition, not each resblock's own output.
        x = ResBlock1.Stages(conv_pre.forward(x), ups, resblocks, _config, (index, sum) => normalize[index].forward(sum));
        return conv_post.forward(x.leaky_relu(HeldScalars.Of(HifiCodecConfig.EncoderPostSlope)));
    }
}

/// <summary>One codebook (AcademiCodec <c>Quantizer_module</c>): <c>embedding.weight</c> [codewords, group width].</summary>
internal sealed class Codebook : nn.Module, ISeededReset
{
    private readonly Embedding embedding;

    /// <summary>Creates the codebook with upstream's init, U(−1/K, 1/K).</summary>
    public Codebook(long size, long dim) : base(nameof(Codebook))
    {
        embedding = nn.Embedding(size, dim);
        using (no_grad()) embedding.weight!.uniform_(-1.0 / size, 1.0 / size);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public void Reset(Generator generator)
    {
        long size = embedding.weight!.shape[0];
        using (no_grad()) embedding.weight!.uniform_(-1.0 / size, 1.0 / size, generator);
    }

    /// <summary>The codeword table [K, d].</summary>
    public Parameter Weight => embedding.weight!;

    /// <summary>Index of the nearest codeword for each row of z [N, d], distances as (‖z‖² + ‖e‖²) − 2·z·e.</summary>
    public Tensor Nearest(Tensor z)
    {
        var e = Weight;
        var distance = z.square().sum(1, keepdim: true) + e.square().sum(1) - z.matmul(e.t()).mul(HeldScalars.Of(2));
        return distance.argmin(1);
    }

    /// <summary>Codewords for int64 indices of any shape.</summary>
    public Tensor Lookup(Tensor indices) => embedding.forward(indices);
}

/// <summary>
/// HiFi-Codec's group-residual VQ (AcademiCodec <c>Quantizer</c>), trainable: codebooks <c>quantizer_modules.{g}</c>
/// (level 0) and <c>quantizer_modules{l+1}.{g}</c> (level l), straight-through gradients to the encoder, and per level
/// codebook_λ·mean((q − sg(z))²) + commitment_λ·mean((sg(q) − z)²), averaged over levels.
/// </summary>
internal sealed class GroupResidualQuantizer : nn.Module
{
    private readonly Codebook[][] _levels;
    private readonly HifiCodecConfig _config;

    /// <summary>Creates levels × groups codebooks for <paramref name="config"/>.</summary>
    public GroupResidualQuantizer(HifiCodecConfig config) : base(nameof(GroupResidualQuantizer))
    {
        _config = config;
        _levels = new Codebook[config.ResidualLevels][];
        for (int level = 0; level < config.ResidualLevels; level++)
        {
            _levels[level] = Enumerable.Range(0, config.CodeGroups).Select(_ => new Codebook(config.CodebookSize, config.GroupDim)).ToArray();
            register_module(level == 0 ? "quantizer_modules" : $"quantizer_modules{level + 1}", nn.ModuleList(_levels[level]));
        }
    }

    /// <summary>The result of quantising a latent.</summary>
    /// <param name="Quantized">Σ levels of codewords [B, D, T], straight-through (gradient flows to the latent).</param>
    /// <param name="Loss">Codebook + commitment loss, averaged over levels (a scalar).</param>
    /// <param name="Codes">int64 [B, T, L·G], level-major.</param>
    /// <param name="LevelInputs">What each level quantised, detached [B·T, D] (training draws restarted codewords from it).</param>
    public sealed record Result(Tensor Quantized, Tensor Loss, Tensor Codes, IReadOnlyList<Tensor> LevelInputs);

    /// <summary>Codebook <paramref name="group"/> of residual level <paramref name="level"/>.</summary>
    public Codebook At(int level, int group) => _levels[level][group];

    /// <summary>Quantises latent [B, D, T].</summary>
    public Result forward(Tensor latent)
    {
        long batch = latent.shape[0], frames = latent.shape[2];
        var residual = latent.transpose(1, 2).reshape(-1, _config.LatentDim); // [B·T, D]
        Tensor? total = null, loss = null;
        var codes = new List<Tensor>();
        var inputs = new List<Tensor>();
        foreach (var level in _levels)
        {
            inputs.Add(residual.detach());
            var parts = residual.split(_config.GroupDim, 1);
            var words = new Tensor[level.Length];
            for (int g = 0; g < level.Length; g++)
            {
                var index = level[g].Nearest(parts[g].detach());
                codes.Add(index);
                words[g] = level[g].Lookup(index);
            }
            var q = cat(words, 1);
            var levelLoss = (q - residual.detach()).square().mean().mul(HeldScalars.Of(_config.CodebookLossLambda))
                + (q.detach() - residual).square().mean().mul(HeldScalars.Of(_config.CommitmentLossLambda));
            var straightThrough = residual + (q - residual).detach();
            loss = loss is null ? levelLoss : loss + levelLoss;
            total = total is null ? straightThrough : total + straightThrough;
            residual = residual - straightThrough;
        }
        var quantized = total!.reshape(batch, frames, _config.LatentDim).transpose(1, 2);
        return new Result(quantized, loss!.div(HeldScalars.Of(_levels.Length)), stack(codes, 1).reshape(batch, frames, _config.CodesPerFrame), inputs);
    }

    /// <summary>Codes int64 [B, T, L·G] → Σ levels of codewords [B, D, T] (upstream <c>embed</c>).</summary>
    public Tensor Dequantize(Tensor codes)
    {
        Tensor? total = null;
        for (int l = 0; l < _levels.Length; l++)
        {
            var words = new Tensor[_config.CodeGroups];
            for (int g = 0; g < _config.CodeGroups; g++)
                words[g] = _levels[l][g].Lookup(codes.select(2, l * _config.CodeGroups + g));
            var q = cat(words, 2);
            total = total is null ? q : total + q;
        }
        return total!.transpose(1, 2);
    }
}

/// <summary>
/// HiFi-GAN ResBlock1: per dilation d, x = x + convs2(lrelu(convs1(lrelu(x)))), convs1 dilated by d, both "same"
/// padded and weight-normed; names <c>convs1.{p}</c>, <c>convs2.{p}</c>.
/// </summary>
internal sealed class ResBlock1 : nn.Module<Tensor, Tensor>
{
    /// <summary>
    /// The stages of the encoder and the generator alike: per stage, leaky ReLU → the stage's strided (or transposed)
    /// conv → the mean of its resblocks, each partial sum passed through <paramref name="afterSum"/> (given the
    /// resblock's index) when there is one.
    /// </summary>
    public static Tensor Stages(Tensor x, ModuleList<WeightNormConv1d> ups, ModuleList<ResBlock1> resblocks, HifiCodecConfig config,
        Func<int, Tensor, Tensor>? afterSum = null)
    {
        int k = config.KernelsPerStage;
        for (int i = 0; i < config.Stages; i++)
        {
            x = ups[i].forward(x.leaky_relu(HeldScalars.Of(HifiCodecConfig.LeakySlope)));
            Tensor? sum = null;
            for (int j = 0; j < k; j++)
            {
                var r = resblocks[i * k + j].forward(x);
                sum = sum is null ? r : sum + r;
                if (afterSum is not null) sum = afterSum(i * k + j, sum);
            }
            x = sum!.div(HeldScalars.Of(k));
        }
        return x;
    }

    private readonly ModuleList<WeightNormConv1d> convs1;
    private readonly ModuleList<WeightNormConv1d> convs2;

    /// <summary>Creates the block for <paramref name="channels"/> channels.</summary>
    public ResBlock1(long channels, int kernel, int[] dilations) : base(nameof(ResBlock1))
    {
        convs1 = nn.ModuleList(dilations.Select(d => new WeightNormConv1d(channels, channels, kernel, padding: d * (kernel - 1) / 2, dilation: d)).ToArray());
        convs2 = nn.ModuleList(dilations.Select(_ => new WeightNormConv1d(channels, channels, kernel, padding: (kernel - 1) / 2)).ToArray());
        RegisterComponents();
    }

    /// <summary>x [B, C, T] → [B, C, T].</summary>
    public override Tensor forward(Tensor x)
    {
        for (int p = 0; p < convs1.Count; p++)
        {
            var y = x.leaky_relu(HeldScalars.Of(HifiCodecConfig.LeakySlope));
            y = convs1[p].forward(y).leaky_relu(HeldScalars.Of(HifiCodecConfig.LeakySlope));
            x = x + convs2[p].forward(y);
        }
        return x;
    }
}

/// <summary>The codec decoder (AcademiCodec <c>Generator</c>, HiFi-GAN V1 layout): latent [B, D, T] → waveform [B, 1, hop·T] in (−1, 1).</summary>
internal sealed class HifiCodecGenerator : nn.Module<Tensor, Tensor>
{
    private readonly WeightNormConv1d conv_pre;
    private readonly ModuleList<WeightNormConv1d> ups;
    private readonly ModuleList<ResBlock1> resblocks;
    private readonly WeightNormConv1d conv_post;
    private readonly HifiCodecConfig _config;

    /// <summary>Creates the generator for <paramref name="config"/>.</summary>
    public HifiCodecGenerator(HifiCodecConfig config) : base(nameof(HifiCodecGenerator))
    {
        _config = config;
        conv_pre = new WeightNormConv1d(config.LatentDim, config.UpsampleInitialChannel, 7, padding: 3);
        var up = new List<WeightNormConv1d>();
        var blocks = new List<ResBlock1>();
        for (int i = 0; i < config.Stages; i++)
        {
            int kernel = config.UpsampleKernelSizes[i], rate = config.UpsampleRates[i], ch = config.GeneratorChannels(i);
            up.Add(new WeightNormConv1d(config.UpsampleInitialChannel >> i, ch, kernel, rate, HifiCodecConfig.StridedPadding(kernel, rate), transposed: true));
            for (int j = 0; j < config.KernelsPerStage; j++)
                blocks.Add(new ResBlock1(ch, config.ResblockKernelSizes[j], config.ResblockDilationSizes[j]));
        }
        ups = nn.ModuleList(up.ToArray());
        resblocks = nn.ModuleList(blocks.ToArray());
        conv_post = new WeightNormConv1d(config.GeneratorChannels(config.Stages - 1), 1, 7, padding: 3);
        RegisterComponents();
    }

    /// <summary>latent [B, D, T] → waveform [B, 1, hop·T].</summary>
    public override Tensor forward(Tensor x)
    {
        x = ResBlock1.Stages(conv_pre.forward(x), ups, resblocks, _config);
        return tanh(conv_post.forward(x.leaky_relu(HeldScalars.Of(HifiCodecConfig.GeneratorPostSlope))));
    }
}

/// <summary>
/// The whole HiFi-Codec as one trainable TorchSharp module. Its state-dict names are the <c>g_XXXXXXXX</c> checkpoint's
/// container + key (<c>encoder.conv_pre.weight_g</c>, <c>quantizer.quantizer_modules.0.embedding.weight</c>,
/// <c>generator.ups.0.weight_v</c> …), so <see cref="ToWeightSet"/> feeds the ONNX importer's checks and writers directly.
/// </summary>
internal sealed class HifiCodec : nn.Module
{
    private readonly HifiCodecEncoder encoder;
    private readonly GroupResidualQuantizer quantizer;
    private readonly HifiCodecGenerator generator;

    /// <summary>Creates the codec with fresh weights for <paramref name="config"/>.</summary>
    public HifiCodec(HifiCodecConfig config) : base(nameof(HifiCodec))
    {
        Config = config;
        encoder = new HifiCodecEncoder(config);
        quantizer = new GroupResidualQuantizer(config);
        generator = new HifiCodecGenerator(config);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public HifiCodecConfig Config { get; }

    /// <summary>Waveform → latent.</summary>
    public HifiCodecEncoder Encoder => encoder;

    /// <summary>Latent → codes and quantised latent.</summary>
    public GroupResidualQuantizer Quantizer => quantizer;

    /// <summary>Quantised latent → waveform.</summary>
    public HifiCodecGenerator Generator => generator;

    /// <summary>One training pass: reconstruction [B, 1, hop·T], VQ loss (scalar) and codes [B, T, L·G] for waveform [B, 1, N].</summary>
    public (Tensor Reconstruction, Tensor VqLoss, Tensor Codes) forward(Tensor waveform)
    {
        var q = quantizer.forward(encoder.forward(waveform));
        return (generator.forward(q.Quantized), q.Loss, q.Codes);
    }

    /// <summary>Latent [B, D, ⌊N/hop⌋] of waveform [B, 1, N].</summary>
    public Tensor EncodeLatent(Tensor waveform) => encoder.forward(waveform);

    /// <summary>Codes int64 [B, ⌊N/hop⌋, L·G] of waveform [B, 1, N].</summary>
    public Tensor Encode(Tensor waveform) => quantizer.forward(encoder.forward(waveform)).Codes;

    /// <summary>Σ levels of codewords [B, D, T] for codes [B, T, L·G].</summary>
    public Tensor Dequantize(Tensor codes) => quantizer.Dequantize(codes);

    /// <summary>Waveform [B, 1, hop·T] for codes [B, T, L·G].</summary>
    public Tensor Decode(Tensor codes) => generator.forward(quantizer.Dequantize(codes));

    /// <summary>
    /// Copies weights with checkpoint names (e.g. <c>HifiCodecImporter.ReadWeights</c> of a <c>g_XXXXXXXX</c> file) into
    /// the parameters; the set must match this configuration exactly (checked first, all differences in one exception).
    /// </summary>
    public void LoadWeights(WeightSet weights)
    {
        SoundStorm.Export.Import.HifiCodecImporter.CheckTensors(weights, Config);
        using var _ = no_grad();
        foreach (var (name, tensor) in state_dict())
        {
            var source = weights.Peek(name);
            tensor.copy_(torch.tensor(source.Data, source.Shape));
        }
    }

    /// <summary>The parameters as float32 weights under their checkpoint names (weight norm still split).</summary>
    public WeightSet ToWeightSet()
    {
        var weights = new WeightSet("TorchSharp HifiCodec");
        foreach (var (name, tensor) in state_dict())
        {
            using var cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
            weights.Add(name, cpu.data<float>().ToArray(), cpu.shape);
        }
        return weights;
    }
}
