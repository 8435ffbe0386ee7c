using SoundStorm.Onnx.Speech;

namespace SoundStorm.Onnx.Tests.Speech;

/// <summary>
/// The runtime side of text to speech: durations rounded from the graph's predictions (and divided by the speed), the
/// frames laid out per phone, each frame's unit the arg-max, all against a float64 reference; bad phone input refused
/// before any graph runs; packages without the graph, or with one that breaks the contract, refused by name.
/// </summary>
public sealed class TextToSemanticModelTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-text-tests", Guid.NewGuid().ToString("N"));

    public TextToSemanticModelTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public void Units_follow_the_predicted_durations_and_the_most_likely_unit(double speed)
    {
        var tiny = new TinyTextModel(3);
        using var package = ModelPackage.Load(tiny.WritePackage(_dir));
        using var model = new TextToSemanticModel(package, new SessionSettings());
        string[] phones = ["SIL", "B", "AA", "K", "AA", "SIL"];
        Assert.Equal(TinyTextModel.Phones, model.Phones);
        Assert.Equal(tiny.UnitsOf(phones, speed), model.Units(phones, speed));
    }

    [Fact]
    public void An_unknown_phone_is_refused_by_name()
    {
        using var package = ModelPackage.Load(new TinyTextModel(3).WritePackage(_dir));
        using var model = new TextToSemanticModel(package, new SessionSettings());
        var e = Assert.Throws<ArgumentException>(() => model.Units(["SIL", "AA", "ZH"]));
        Assert.Contains("Phone 2 is 'ZH'", e.Message);
        Assert.Contains("SIL AA B K", e.Message);
    }

    [Fact]
    public void Too_many_phones_and_a_bad_speed_are_refused()
    {
        using var package = ModelPackage.Load(new TinyTextModel(3).WritePackage(_dir));
        using var model = new TextToSemanticModel(package, new SessionSettings());
        var many = Enumerable.Repeat("AA", TextToSemanticModel.MaxPhones + 1).ToArray();
        Assert.Contains($"at most {TextToSemanticModel.MaxPhones}", Assert.Throws<ArgumentException>(() => model.Units(many)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Units(["AA"], speed: 0));
        Assert.Throws<ArgumentException>(() => model.Units([]));
    }

    [Fact]
    public void A_package_without_the_graph_cannot_speak()
    {
        using var pipelinePackage = ModelPackage.Load(new TinyModel(2).WritePackage(_dir));
        var e = Assert.Throws<ModelPackageException>(() => new TextToSemanticModel(pipelinePackage, new SessionSettings()));
        Assert.Contains("text_to_semantic", e.Message);
    }

    [Fact]
    public void A_text_graph_whose_logits_are_not_the_semantic_vocabulary_is_refused()
    {
        var e = Assert.Throws<ModelPackageException>(() => new TinyTextModel(3, TinyModel.K + 1).WritePackage(_dir));
        Assert.Contains("graphs.text_to_semantic.logits.shape[2]", e.Message);
        Assert.Contains($"{TinyModel.K} (semanticVocabulary), found '{TinyModel.K + 1}'", e.Message);
    }
}
