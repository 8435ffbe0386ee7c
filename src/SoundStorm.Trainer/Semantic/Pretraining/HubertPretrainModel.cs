using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>
/// <see cref="HubertModel"/> plus what masked prediction needs (as upstream HuBERT): a learned mask embedding that
/// replaces the projected features of masked frames, a final projection and one embedding per target; logits are the
/// cosine similarities of projection and target embeddings divided by the temperature. State-dict names: the encoder
/// under <c>hubert.</c> (torchaudio's names below it), then <c>mask_emb</c>, <c>final_proj.*</c>, <c>label_embs</c>.
/// </summary>
internal sealed class HubertPretrainModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly HubertModel hubert;
    private readonly Parameter mask_emb;
    private readonly Linear final_proj;
    private readonly Parameter label_embs;
    private readonly double temperature;
    private readonly double extractorGradScale;

    public HubertPretrainModel(HubertPretrainOptions options) : base("HubertPretrainModel")
    {
        var config = options.ToConfig();
        hubert = new HubertModel(config, options.Dropout);
        mask_emb = new Parameter(empty(config.EmbedDim).uniform_(0, 1));
        final_proj = nn.Linear(config.EmbedDim, options.FinalDim);
        label_embs = new Parameter(empty(options.Targets, options.FinalDim).normal_(0, 1));
        temperature = options.Temperature;
        extractorGradScale = options.ExtractorGradScale;
        RegisterComponents();
    }

    /// <summary>The encoder alone (what is exported).</summary>
    public HubertModel Encoder => hubert;

    /// <summary>Waveform (B, N) and mask (B, T) bool → target logits (B, T, targets).</summary>
    public override Tensor forward(Tensor waveform, Tensor mask)
    {
        Tensor x = hubert.ProjectFeatures(waveform, extractorGradScale);
        x = where(mask.unsqueeze(-1), mask_emb.to_type(x.dtype).expand_as(x), x);
        Tensor projected = final_proj.forward(hubert.EncodeProjected(x));
        Tensor cosine = nn.functional.normalize(projected, dim: -1).matmul(nn.functional.normalize(label_embs, dim: -1).t());
        return cosine / temperature;
    }
}
