using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// What every kind of <see cref="ITextUnitsNetwork"/> holds alike: its model, the phone and unit counts and the
/// configuration JSON it was built from. Each kind derives from it and adds its checkpoint format, losses and disposal.
/// </summary>
internal abstract class TextUnitsNetwork<TModel>(TModel model, int phones, int units, string configJson)
    where TModel : nn.Module
{
    /// <inheritdoc cref="ITextUnitsNetwork.Module" />
    public nn.Module Module => model;

    /// <summary>The model.</summary>
    public TModel Model => model;

    /// <inheritdoc cref="ITextUnitsNetwork.Phones" />
    public int Phones => phones;

    /// <inheritdoc cref="ITextUnitsNetwork.Units" />
    public int Units => units;

    /// <inheritdoc cref="ITextUnitsNetwork.ConfigJson" />
    public string ConfigJson() => configJson;
}
