using System.Runtime.CompilerServices;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Speech;
using SoundStorm.Onnx.Text;

namespace SoundStorm.Onnx;

// Text to speech: text → phones (the English front end) → semantic units (the package's text_to_semantic graph) → the
// same generation and decoding as resynthesis. The graph is opened on first use, so packages without it load as before.
public sealed partial class SoundStormPipeline
{
    private readonly Lock _speechLock = new();
    private TextToSemanticModel? _speech;

    /// <summary>The most characters one <see cref="SpeakAsync"/> call reads; longer text is refused (split it into sentences).</summary>
    public const int MaxTextCharacters = EnglishTextFrontEnd.MaxCharacters;

    /// <summary>True when the package can speak text (it has a text_to_semantic graph).</summary>
    public bool CanSpeak => _package.HasGraph(Packages.GraphNames.TextToSemantic);

    /// <summary>
    /// Says <paramref name="text"/> (English) in the voice of <paramref name="prompt"/>, or a voice of the model's
    /// choosing when null. Numbers, money, times and abbreviations are read out; punctuation becomes pauses.
    /// </summary>
    /// <param name="text">What to say (at most <see cref="SoundStormPipeline.MaxTextCharacters"/> characters).</param>
    /// <param name="prompt">Speech whose voice is used (its first <see cref="PipelineOptions.MaxPromptSeconds"/>).</param>
    /// <param name="speed">Speaking rate: the predicted durations are divided by it (0.25..4).</param>
    /// <param name="progress">Receives the generation's progress.</param>
    /// <param name="cancellationToken">Stops the work, also inside a running graph.</param>
    /// <exception cref="ModelPackageException">The package has no text_to_semantic graph.</exception>
    /// <exception cref="ArgumentException">The text is empty, has nothing to say in English or is too long; or the speed is out of range.</exception>
    public Task<AudioClip> SpeakAsync(string text, AudioClip? prompt = null, double speed = 1, IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var phones = EmbeddedLexicon.EnglishFrontEnd.ToPhones(text);
        return SpeakPhonesAsync(phones, prompt, speed, progress, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="SpeakAsync"/>, but yields the audio sentence by sentence as each is done, so playback can start
    /// after the first sentence. Pieces are not peak-normalised (the loudness of later ones is not known yet).
    /// </summary>
    public async IAsyncEnumerable<AudioClip> SpeakStreamingAsync(string text, AudioClip? prompt = null, double speed = 1,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = Sentences.Split(text);
        if (sentences.Count == 0) throw new ArgumentException("The text is empty: there is nothing to say.", nameof(text));
        var front = EmbeddedLexicon.EnglishFrontEnd;
        // Every sentence is read before any is spoken, so a bad one fails the call before audio starts.
        var phones = sentences.Select(front.ToPhones).ToArray();
        var voice = prompt is null ? null : await Task.Run(() => BuildRequest([0], prompt, cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (var sentence in phones)
            yield return await Task.Run(() => Speak(sentence, voice, speed, normalize: false, null, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Speaks a phone sequence (the model's inventory: <c>SIL</c> and ARPAbet phones without stress) in the voice of
    /// <paramref name="prompt"/>, or a voice of the model's choosing when null.
    /// </summary>
    /// <param name="phones">The phones, in order.</param>
    /// <param name="prompt">Speech whose voice is used (its first <see cref="PipelineOptions.MaxPromptSeconds"/>).</param>
    /// <param name="speed">Speaking rate: the predicted durations are divided by it (0.25..4).</param>
    /// <param name="progress">Receives the generation's progress.</param>
    /// <param name="cancellationToken">Stops the work, also inside a running graph.</param>
    /// <exception cref="ModelPackageException">The package has no text_to_semantic graph.</exception>
    /// <exception cref="ArgumentException">An unknown phone, too many, or a speed out of range.</exception>
    public Task<AudioClip> SpeakPhonesAsync(IReadOnlyList<string> phones, AudioClip? prompt = null, double speed = 1,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phones);
        return Task.Run(() =>
        {
            var voice = prompt is null ? null : BuildRequest([0], prompt, cancellationToken);
            return Speak(phones, voice, speed, _options.NormalizeOutput, progress, cancellationToken);
        }, cancellationToken);
    }

    // voice: a request holding only the prompt's tokens (its semantic stands in for the units to come), or null.
    private AudioClip Speak(IReadOnlyList<string> phones, GenerationRequest? voice, double speed, bool normalize,
        IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        long[] units = SpeechModel().Units(phones, speed, 0, _options.Generation.Seed, cancellationToken);
        var request = new GenerationRequest(units, voice?.PromptAcoustic, voice?.PromptSemantic);
        // Long texts are generated window by window, as long sources are: memory does not grow with the text.
        CodeGrid codes = _generator.GenerateLong(request, _windowFrames, _overlapFrames, _options.Generation, progress, cancellationToken);
        float[] samples = _codec.Decode(codes, cancellationToken);
        if (normalize) Loudness.NormalizePeak(samples, OutputPeakDbfs);
        return new AudioClip(samples, SampleRate);
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
