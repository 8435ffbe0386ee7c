using SoundStorm.Export.Text;
using SoundStorm.Trainer.Paper;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// The text-to-semantic model as TorchSharp modules, with the state-dict names <see cref="TextToSemanticGraph"/> reads:
/// <c>phone_emb</c> (P+1 rows, row P = padding), <c>encoder.{i}</c>, <c>duration_head</c>, <c>offset_emb</c>,
/// <c>length_emb</c>, <c>decoder.{i}</c>, <c>unit_head</c>. Unlike the graph it takes padding masks, for batches of
/// utterances of different lengths; on an unpadded item both compute the same function.
/// </summary>
internal sealed class TextToSemanticModel : nn.Module
{
    private readonly TextToSemanticConfig config;
    private readonly Embedding phone_emb;
    private readonly ModuleList<ConformerBlock> encoder;
    private readonly Linear duration_head;
    private readonly Embedding offset_emb;
    private readonly Embedding length_emb;
    private readonly ModuleList<ConformerBlock> decoder;
    private readonly Linear unit_head;

    /// <summary>Creates the model with PyTorch-default initialisation.</summary>
    public TextToSemanticModel(TextToSemanticConfig config) : base(nameof(TextToSemanticModel))
    {
        this.config = config.Validate();
        phone_emb = nn.Embedding(config.Phones + 1, config.Dim);
        encoder = nn.ModuleList(Enumerable.Range(0, config.EncoderLayers)
            .Select(_ => new ConformerBlock(config.Dim, config.Heads, config.FeedForward, config.ConvKernel)).ToArray());
        duration_head = nn.Linear(config.Dim, 1);
        offset_emb = nn.Embedding(config.MaxPhoneFrames, config.Dim);
        length_emb = nn.Embedding(config.MaxPhoneFrames, config.Dim);
        decoder = nn.ModuleList(Enumerable.Range(0, config.DecoderLayers)
            .Select(_ => new ConformerBlock(config.Dim, config.Heads, config.FeedForward, config.ConvKernel)).ToArray());
        unit_head = nn.Linear(config.Dim, config.Units);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built with.</summary>
    public TextToSemanticConfig Config => config;

    /// <summary>
    /// phones int64 [B, N] (padding id P), phonePadding bool [B, N]; framePhone, frameOffset, frameLength int64 [B, T],
    /// framePadding bool [B, T] → ln(1 + duration) [B, N] and unit logits [B, T, K].
    /// </summary>
    public (Tensor LogDurations, Tensor Logits) Forward(Tensor phones, Tensor phonePadding, Tensor framePhone, Tensor frameOffset,
        Tensor frameLength, Tensor framePadding)
    {
        Tensor x = Stack(encoder, phone_emb.forward(phones), phonePadding);
        Tensor logDurations = duration_head.forward(x).squeeze(2);
        Tensor index = framePhone.unsqueeze(2).expand(-1, -1, config.Dim);
        Tensor y = x.gather(1, index) + offset_emb.forward(frameOffset) + length_emb.forward(frameLength);
        y = Stack(decoder, y, framePadding);
        return (logDurations, unit_head.forward(y));
    }

    private Tensor Stack(ModuleList<ConformerBlock> blocks, Tensor x, Tensor padding)
    {
        Tensor keep = padding.logical_not().unsqueeze(2).to_type(x.dtype);
        var (cos, sin) = RotaryTables.Create(x.shape[1], config.Dim / config.Heads, config.RotaryBase, x.device);
        foreach (var block in blocks) x = block.Forward(x, padding, keep, cos, sin);
        return x;
    }
}
