using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// One training batch for the level-wise objective, in the runtime's layout: <c>tokens</c> [B, T, Q] (mask id where
/// hidden or padding), <c>semantic</c> [B, T] (K at padding), <c>padding</c> [B, T] (true = padding), <c>levels</c> [B]
/// (the level trained per item) and <c>targets</c> [B, T] (the level's code at masked frames, −100 elsewhere).
/// </summary>
internal sealed record MaskedBatch(long[] Tokens, long[] Semantic, bool[] Padding, long[] Levels, long[] Targets, int Count, int Frames, int Codebooks)
{
    /// <summary>Value of <see cref="Targets"/> where no loss is taken (cross-entropy's ignore index).</summary>
    public const long Ignore = -100;

    /// <summary>The five arrays as tensors on <paramref name="device"/> (callers own them).</summary>
    public (Tensor Tokens, Tensor Semantic, Tensor Padding, Tensor Levels, Tensor Targets) ToTensors(Device? device = null) => (
        tensor(Tokens, new long[] { Count, Frames, Codebooks }, device: device),
        tensor(Semantic, new long[] { Count, Frames }, device: device),
        tensor(Padding, new long[] { Count, Frames }, device: device),
        tensor(Levels, new long[] { Count }, device: device),
        tensor(Targets, new long[] { Count, Frames }, device: device));
}
