using static TorchSharp.torch;

namespace SoundStorm.Trainer.Training;

/// <summary>A module whose initialisation is not PyTorch's default for its layers (e.g. weight norm, codebooks).</summary>
internal interface ISeededReset
{
    /// <summary>Re-draws the module's parameters (its children's included) from <paramref name="generator"/>.</summary>
    void Reset(Generator generator);
}
