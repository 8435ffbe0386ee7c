using SoundStorm.Export.Text;
using SoundStorm.Trainer.Text.Autoregressive;

namespace SoundStorm.Trainer.Text;

/// <summary>The text network a <c>train-text</c> checkpoint holds, built from its format and config (weights not loaded).</summary>
internal static class TextNetworks
{
    /// <summary>A fresh network of the checkpoint's kind and shape.</summary>
    public static ITextUnitsNetwork Create(TextCheckpoint checkpoint) => checkpoint.FormatName == TextCheckpoint.AutoregressiveFormat
        ? new AutoregressiveTextNetwork(checkpoint.ReadConfig<AutoregressiveTextConfig>())
        : new DurationTextNetwork(checkpoint.ReadConfig<TextToSemanticConfig>());
}
