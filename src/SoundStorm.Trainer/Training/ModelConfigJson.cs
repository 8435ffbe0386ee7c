using System.Text.Json;
using System.Text.Json.Serialization;
using SoundStorm.Export.Acoustic;

namespace SoundStorm.Trainer.Training;

/// <summary>JSON for the configuration records stored in checkpoint metadata.</summary>
internal static class ModelConfigJson
{
    /// <summary>Options shared by all checkpoint JSON (enums as names).</summary>
    public static readonly JsonSerializerOptions Options = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Serialises a record.</summary>
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Parses a record, naming <paramref name="source"/> on failure.</summary>
    public static T Read<T>(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: stored {typeof(T).Name} is not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>A paper configuration from JSON, validated.</summary>
    public static PaperModelConfig ReadConfig(string json, string source) => Read<PaperModelConfig>(json, source).Validate();
}
