using static TorchSharp.torch;

namespace SoundStorm.Trainer.Seed;

/// <summary>
/// One batch as the seed network sees it (all int64 ids unless noted).
/// </summary>
/// <param name="NoisyTargets">x_t (B, n_q·T), codebook-major (index q·T + j); [MASK] = <see cref="SoundStorm.Export.Acoustic.SeedModelConfig.MaskId"/>.</param>
/// <param name="PromptSemantics">(B, Tp) or (B, 1, Tp), padded with K+1.</param>
/// <param name="TargetSemantics">(B, Ts) or (B, 1, Ts), padded with K+3.</param>
/// <param name="PromptAcoustics">(B, n_q, Tp'); only codebook 0 is used.</param>
/// <param name="Padding">(B, T) bool, true at padded target frames.</param>
/// <param name="Timesteps">(B,) diffusion step per item.</param>
internal sealed record SeedInputs(
    Tensor NoisyTargets,
    Tensor PromptSemantics,
    Tensor TargetSemantics,
    Tensor PromptAcoustics,
    Tensor Padding,
    Tensor Timesteps);
