namespace SoundStorm.Onnx.Tests.PublicApi;

/// <summary>
/// The runtime package's public types are an approved list: a new public type (or one that moves namespace) fails here
/// until it is added on purpose. The package schema and the samplers are internal; package writers use the schema's
/// public copy in SoundStorm.Export.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] Approved =
    [
        "SoundStorm.Onnx.AudioClip",
        "SoundStorm.Onnx.AudioFormatException",
        "SoundStorm.Onnx.CodeGrid",
        "SoundStorm.Onnx.ExecutionProvider",
        "SoundStorm.Onnx.ExecutionProviderUnavailableException",
        "SoundStorm.Onnx.GenerationOptions",
        "SoundStorm.Onnx.GenerationProgress",
        "SoundStorm.Onnx.GenerationRequest",
        "SoundStorm.Onnx.GenerationRun",
        "SoundStorm.Onnx.ModelPackage",
        "SoundStorm.Onnx.ModelPackageException",
        "SoundStorm.Onnx.NeuralCodec",
        "SoundStorm.Onnx.PipelineOptions",
        "SoundStorm.Onnx.SemanticTokenizer",
        "SoundStorm.Onnx.SessionSettings",
        "SoundStorm.Onnx.SoundStormGenerator",
        "SoundStorm.Onnx.SoundStormPipeline",
        "SoundStorm.Onnx.SoundStormTextToSpeechClient",
        "SoundStorm.Onnx.WavSampleFormat",
    ];

    [Fact]
    public void Exported_types_are_the_approved_list()
    {
        var exported = typeof(ModelPackage).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();
        var added = exported.Except(Approved).ToArray();
        var removed = Approved.Except(exported).ToArray();
        Assert.True(added.Length == 0 && removed.Length == 0,
            $"Public types changed. Added: [{string.Join(", ", added)}]; removed: [{string.Join(", ", removed)}]. " +
            "Update the approved list only for a deliberate change to the package's API (and the README's C# section).");
    }

    [Fact]
    public void Every_public_type_is_in_the_one_namespace()
    {
        var namespaces = typeof(ModelPackage).Assembly.GetExportedTypes().Select(t => t.Namespace ?? "(none)").Distinct().ToArray();
        Assert.Equal(new[] { "SoundStorm.Onnx" }, namespaces);
    }
}
