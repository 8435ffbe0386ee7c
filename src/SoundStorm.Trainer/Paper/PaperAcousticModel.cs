using SoundStorm.Export.Acoustic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// The paper-family acoustic model (SoundStorm §3) as TorchSharp modules. Its state-dict names are exactly those
/// <see cref="PaperCombinerGraph"/> and <see cref="PaperTransformerGraph"/> read: <c>token_emb.{q}</c> (V+1 rows,
/// row V = mask), <c>combiner.{inc,down}</c> (U-Net kind only), <c>semantic_emb</c> (K+1 rows, row K = padding),
/// <c>blocks.{i}.*</c> and <c>heads.{q}</c>.
/// </summary>
public sealed class PaperAcousticModel : nn.Module
{
    private readonly PaperModelConfig config;
    private readonly ModuleList<Embedding> token_emb;
    private readonly UNetCombiner? combiner;
    private readonly Embedding semantic_emb;
    private readonly ModuleList<ConformerBlock> blocks;
    private readonly ModuleList<Linear> heads;

    /// <summary>Creates the model with PyTorch-default initialisation (call <c>torch.manual_seed</c> first to fix it).</summary>
    public PaperAcousticModel(PaperModelConfig config) : base(nameof(PaperAcousticModel))
    {
        this.config = config.Validate();
        token_emb = nn.ModuleList(Enumerable.Range(0, config.Codebooks)
            .Select(_ => nn.Embedding(config.CodebookSize + 1, config.Dim)).ToArray());
        combiner = config.Combiner == CombinerKind.UNet ? new UNetCombiner(config.Dim) : null;
        semantic_emb = nn.Embedding(config.SemanticVocab + 1, config.Dim);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers)
            .Select(_ => new ConformerBlock(config.Dim, config.Heads, config.FeedForward, config.ConvKernel)).ToArray());
        heads = nn.ModuleList(Enumerable.Range(0, config.Codebooks)
            .Select(_ => nn.Linear(config.Dim, config.CodebookSize)).ToArray());
        RegisterComponents();
    }

    /// <summary>The configuration the model was built with.</summary>
    public PaperModelConfig Config => config;

    /// <summary>The combiner: tokens int64 [B, T, Q] (mask id V where unknown); padding bool [B, T] (read by the U-Net kind only) → [B, T, D].</summary>
    public Tensor Combine(Tensor tokens, Tensor padding)
    {
        var perLevel = new Tensor[config.Codebooks];
        for (int q = 0; q < config.Codebooks; q++) perLevel[q] = token_emb[q].forward(tokens[.., .., q]);
        if (combiner is null)
        {
            Tensor sum = perLevel[0];
            for (int q = 1; q < perLevel.Length; q++) sum = sum + perLevel[q];
            return sum;
        }
        return combiner.forward(stack(perLevel, 1), padding);
    }

    /// <summary>The Conformer stack: embeddings [B, T, D] + semantic int64 [B, T]; padding bool [B, T] (true = padding) → [B, T, D].</summary>
    public Tensor Encode(Tensor embeddings, Tensor semantic, Tensor padding)
    {
        Tensor x = embeddings + semantic_emb.forward(semantic);
        Tensor keep = padding.logical_not().unsqueeze(2).to_type(x.dtype);
        var (cos, sin) = RotaryTables.Create(x.shape[1], config.Dim / config.Heads, config.RotaryBase, x.device);
        foreach (var block in blocks) x = block.Forward(x, padding, keep, cos, sin);
        return x;
    }

    /// <summary>Logits [B, T, V] of one level for every item.</summary>
    public Tensor Head(Tensor hidden, int level) => heads[level].forward(hidden);

    /// <summary>Logits [B, T, V] where item b uses the head of <paramref name="levels"/>[b] (int64 [B]).</summary>
    public Tensor Head(Tensor hidden, Tensor levels)
    {
        Tensor weights = stack(heads.Select(h => h.weight!), 0).index_select(0, levels); // [B, V, D]
        Tensor biases = stack(heads.Select(h => h.bias!), 0).index_select(0, levels);    // [B, V]
        return matmul(hidden, weights.transpose(1, 2)) + biases.unsqueeze(1);
    }

    /// <summary>Combiner, Conformer and per-item heads in one call.</summary>
    public Tensor Forward(Tensor tokens, Tensor semantic, Tensor padding, Tensor levels) =>
        Head(Encode(Combine(tokens, padding), semantic, padding), levels);
}
