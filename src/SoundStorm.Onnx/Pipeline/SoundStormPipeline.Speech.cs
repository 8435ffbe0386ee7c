using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Speech;

namespace SoundStorm.Onnx.Pipeline;

// Text to speech: phones → semantic units (the package's text_to_semantic graph) → the same generation and decoding
// as resynthesis. The graph is opened on first use, so packages without it load as before.
public sealed partial class SoundStormPipeline
{
    private readonly Lock _speechLock = new();
    private TextToSemanticModel? _speech;

    /// <summary>True when the package can speak text (it has a text_to_semantic graph).</summary>
    public bool CanSpeak => _package.HasGraph(Packages.GraphNames.TextToSemantic);

    /// <summary>
    /// Speaks a phone sequence (the model's inventory: <c>SIL</c> and ARPAbet phones without stress) in the voice of
    /// <paramref name="prompt"/>, or a voice of the model's choosing when null.
    /// </summary>
    /// <exception cref="Packages.ModelPackageException">The package has no text_to_semantic graph.</exception>
    /// <param name="phones">The phones, in order.</param>
    /// <param name="prompt">Speech whose voice is used (its first <see cref="PipelineOptions.MaxPromptSeconds"/>).</param>
    /// <param name="speed">Speaking rate: the predicted durations are divided by it (0.25..4).</param>
    /// <param name="progress">Receives the generation's progress.</param>
    /// <param name="cancellationToken">Stops the work, also inside a running graph.</param>
    /// <exception cref="ArgumentException">An unknown phone, too many, or a speed out of range.</exception>
    public Task<AudioClip> SpeakPhonesAsync(IReadOnlyList<string> phones, AudioClip? prompt = null, double speed = 1,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phones);
        return Task.Run(() =>
        {
            long[] units = SpeechModel().Units(phones, speed, 0, _options.Generation.Seed, cancellationToken);
            var request = RequestWithPrompt(units, prompt, cancellationToken);
            long[,] codes = _generator.Generate(request, _options.Generation, progress, cancellationToken);
            return Finish(_codec.Decode(codes, cancellationToken));
        }, cancellationToken);
    }

    private TextToSemanticModel SpeechModel()
    {
        lock (_speechLock)
            return _speech ??= new TextToSemanticModel(_package, _options.Session);
    }

    private void DisposeSpeech()
    {
        lock (_speechLock) _speech?.Dispose();
    }
}
