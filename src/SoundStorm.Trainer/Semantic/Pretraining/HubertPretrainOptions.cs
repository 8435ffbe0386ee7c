using SoundStorm.Export.Semantic;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>
/// Settings of HuBERT's first pre-training iteration (model size, data, masking, objective, optimiser). Defaults are
/// a small CPU-sized model; the masking and objective follow upstream HuBERT Base.
/// </summary>
internal sealed record HubertPretrainOptions() : TrainingRunOptions(Steps: 10000, BatchSize: 8, LearningRate: 5e-4, MinLearningRate: 1e-5, WarmupSteps: 500, ClipNorm: 5.0, CheckpointEvery: 500, LogEvery: 20)
{
    /// <summary>Channels of every extractor convolution (upstream 512).</summary>
    public int ConvChannels { get; init; } = 128;

    /// <summary>Transformer width.</summary>
    public int EmbedDim { get; init; } = 256;

    /// <summary>Transformer layers.</summary>
    public int Layers { get; init; } = 4;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Feed-forward width.</summary>
    public int FeedForwardDim { get; init; } = 1024;

    /// <summary>Pre-LN layers (true) or HuBERT Base's post-LN (false).</summary>
    public bool LayerNormFirst { get; init; }

    /// <summary>Dropout in the transformer (training only).</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>
    /// Forced-aligned phone labels (<see cref="Pretraining.PhoneLabels"/>' file) to use as the targets instead of MFCC
    /// k-means clusters; null for HuBERT's MFCC targets. Then <see cref="Targets"/> is the label inventory's size.
    /// </summary>
    public string? PhoneLabels { get; init; }

    /// <summary>Number of MFCC k-means targets.</summary>
    public int Targets { get; init; } = 100;

    /// <summary>Lloyd iterations of the MFCC k-means.</summary>
    public int KMeansIterations { get; init; } = 20;

    /// <summary>Fraction of frames drawn as span starts, times the span length (upstream <c>mask_prob</c> 0.8).</summary>
    public double MaskProbability { get; init; } = 0.8;

    /// <summary>Frames per masked span.</summary>
    public int MaskLength { get; init; } = 10;

    /// <summary>Weight of the unmasked frames' loss (upstream 0).</summary>
    public double UnmaskedWeight { get; init; }

    /// <summary>Width of the projection compared with the target embeddings.</summary>
    public int FinalDim { get; init; } = 256;

    /// <summary>Cosine-similarity temperature.</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Gradient scale of the convolutional extractor (upstream <c>feature_grad_mult</c>).</summary>
    public double ExtractorGradScale { get; init; } = 0.1;

    /// <summary>Longest crop in seconds; a batch is cropped to its shortest utterance when that is shorter.</summary>
    public double CropSeconds { get; init; } = 3.0;

    /// <summary>Shorter utterances are not used.</summary>
    public double MinSeconds { get; init; } = 1.0;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>The encoder shape: HuBERT's standard extractor strides at <see cref="ConvChannels"/> channels.</summary>
    public HubertConfig ToConfig() => new()
    {
        ConvLayers = HubertConfig.StandardConvLayers(ConvChannels),
        EmbedDim = EmbedDim, Layers = Layers, Heads = Heads, FeedForwardDim = FeedForwardDim, LayerNormFirst = LayerNormFirst,
        PosConvKernel = 128, PosConvGroups = 16,
    };

    /// <summary>Crop length in samples, a whole number of hops.</summary>
    public int CropSamples => Math.Max(Mfcc.Window, (int)(CropSeconds * Mfcc.SampleRate) / Mfcc.Hop * Mfcc.Hop);

    /// <summary>Checks the numbers; <see cref="ArgumentException"/> names the first bad one.</summary>
    public HubertPretrainOptions Validate()
    {
        if (Steps <= 0 || BatchSize <= 0) throw new ArgumentException($"steps ({Steps}) and batch size ({BatchSize}) must be positive.");
        if (Targets < 2) throw new ArgumentException($"--targets {Targets}: at least 2 MFCC clusters are needed.");
        if (PhoneLabels is not null && Targets != Pretraining.PhoneLabels.Symbols.Count)
            throw new ArgumentException($"phone-label training predicts the {Pretraining.PhoneLabels.Symbols.Count} labels of the inventory; targets is {Targets}.");
        if (MaskProbability is <= 0 or > 1 || MaskLength < 1) throw new ArgumentException($"mask probability {MaskProbability} must lie in (0, 1] and span length {MaskLength} be ≥ 1.");
        if (CropSeconds <= 0 || MinSeconds < 0.05) throw new ArgumentException($"crop ({CropSeconds} s) must be positive and the minimum length ({MinSeconds} s) at least 0.05 s.");
        if (LearningRate <= 0 || MinLearningRate < 0 || WarmupSteps < 0) throw new ArgumentException("learning rates must be positive and warm-up ≥ 0.");
        if (Temperature <= 0 || FinalDim <= 0) throw new ArgumentException($"temperature {Temperature} and final dim {FinalDim} must be positive.");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"dropout {Dropout} must lie in [0, 1).");
        ToConfig().Validate();
        return this;
    }
}
