using Microsoft.ML.OnnxRuntime;

namespace SoundStorm.Onnx.Sessions;

/// <summary>The OrtValues one workspace owns: added as they are created, all released together, counted in <see cref="NativeResources"/>.</summary>
internal sealed class OrtValueBag : IDisposable
{
    private readonly List<OrtValue> _values = [];

    /// <summary>Takes ownership of <paramref name="value"/> and returns it.</summary>
    public OrtValue Own(OrtValue value)
    {
        _values.Add(value);
        NativeResources.OrtValueCreated();
        return value;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var value in _values)
        {
            value.Dispose();
            NativeResources.OrtValueReleased();
        }
        _values.Clear();
    }
}
