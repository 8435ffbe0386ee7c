using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Export.Codec;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec;

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
