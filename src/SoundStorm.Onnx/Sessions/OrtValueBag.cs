using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Onnx.Sessions;

/// <summary>The OrtValues one workspace owns: added as they are created, all released together, counted in the owner's <see cref="NativeResources"/>.</summary>
internal sealed class OrtValueBag(NativeResources counts) : IDisposable
{
    private readonly List<OrtValue> _values = [];

    /// <summary>Takes ownership of <paramref name="value"/> and returns it.</summary>
    public OrtValue Own(OrtValue value)
    {
        _values.Add(value);
        counts.OrtValueCreated();
        return value;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var value in _values)
        {
            value.Dispose();
            counts.OrtValueReleased();
        }
        _values.Clear();
    }
}
