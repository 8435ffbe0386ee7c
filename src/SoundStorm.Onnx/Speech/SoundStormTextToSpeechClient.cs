using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

#pragma warning disable MEAI001 // ITextToSpeechClient is experimental in Microsoft.Extensions.AI; so is this implementation of it

namespace SoundStorm.Onnx;

/// <summary>
/// SoundStorm as a <c>Microsoft.Extensions.AI</c> <see cref="ITextToSpeechClient"/>: English text in, 16-bit PCM WAV
/// (<c>audio/wav</c>) out, in the voice of a prompt passed through the options. Needs a package with a
/// text_to_semantic graph (the default model has one). Thread-safe.
/// </summary>
/// <example>
/// <code>
/// using var client = new SoundStormTextToSpeechClient(SoundStormPipeline.Load("models/default"), ownsPipeline: true);
/// var options = new TextToSpeechOptions { AdditionalProperties = new() { [SoundStormTextToSpeechClient.VoicePromptKey] = AudioClip.ReadWav("voice.wav") } };
/// TextToSpeechResponse speech = await client.GetAudioAsync("Please enter a new extension.", options);
/// </code>
/// </example>
public sealed class SoundStormTextToSpeechClient : ITextToSpeechClient
{
    /// <summary>
    /// Key of <see cref="TextToSpeechOptions.AdditionalProperties"/> for the voice prompt: an <see cref="AudioClip"/>, or
    /// a <see cref="DataContent"/> / byte array holding a WAV file. Without it the model picks a voice.
    /// </summary>
    public const string VoicePromptKey = "soundstorm.voice_prompt";

    private readonly SoundStormPipeline _pipeline;
    private readonly bool _ownsPipeline;
    private readonly TextToSpeechClientMetadata _metadata;

    /// <summary>A client over <paramref name="pipeline"/>; with <paramref name="ownsPipeline"/> it is disposed with the client.</summary>
    /// <exception cref="ArgumentException">The pipeline's package cannot speak (it has no text_to_semantic graph).</exception>
    public SoundStormTextToSpeechClient(SoundStormPipeline pipeline, bool ownsPipeline = false)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (!pipeline.CanSpeak) throw new ArgumentException("The pipeline's model package has no text_to_semantic graph, so it cannot speak text.", nameof(pipeline));
        (_pipeline, _ownsPipeline) = (pipeline, ownsPipeline);
        _metadata = new TextToSpeechClientMetadata("soundstorm-onnx");
    }

    /// <inheritdoc />
    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (prompt, speed) = Read(options);
        var clip = await _pipeline.SpeakAsync(text, prompt, speed, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new TextToSpeechResponse([Wav(clip)]);
    }

    /// <inheritdoc />
    /// <remarks>One <see cref="TextToSpeechResponseUpdateKind.AudioUpdating"/> update per sentence, as each is spoken.</remarks>
    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (prompt, speed) = Read(options);
        await foreach (var clip in _pipeline.SpeakStreamingAsync(text, prompt, speed, cancellationToken).ConfigureAwait(false))
            yield return new TextToSpeechResponseUpdate([Wav(clip)]) { Kind = TextToSpeechResponseUpdateKind.AudioUpdating };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(TextToSpeechClientMetadata)) return _metadata;
        if (serviceType == typeof(SoundStormPipeline)) return _pipeline;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsPipeline) _pipeline.Dispose();
    }

    // The options this client reads: the voice prompt, Speed, and Language / AudioFormat only to refuse what it cannot do.
    private static (AudioClip? Prompt, double Speed) Read(TextToSpeechOptions? options)
    {
        if (options is null) return (null, 1);
        if (options.Language is { } language && !language.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"TextToSpeechOptions.Language is '{language}'; this model speaks English ('en') only.");
        if (options.AudioFormat is { } format && !format.Contains("wav", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"TextToSpeechOptions.AudioFormat is '{format}'; this client writes 16-bit PCM WAV ('audio/wav') only.");
        AudioClip? prompt = null;
        if (options.AdditionalProperties?.TryGetValue(VoicePromptKey, out object? value) == true)
        {
            prompt = value switch
            {
                AudioClip clip => clip,
                DataContent data => ReadWav(data.Data),
                byte[] bytes => ReadWav(bytes),
                null => null,
                _ => throw new ArgumentException($"AdditionalProperties[\"{VoicePromptKey}\"] is a {value.GetType().Name}; expected an AudioClip, a DataContent or a byte[] holding a WAV file.", nameof(options)),
            };
        }
        return (prompt, options.Speed ?? 1);
    }

    private static AudioClip ReadWav(ReadOnlyMemory<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return AudioClip.ReadWav(stream, VoicePromptKey);
    }

    private static DataContent Wav(AudioClip clip)
    {
        using var stream = new MemoryStream();
        clip.WriteWav(stream);
        return new DataContent(stream.ToArray(), "audio/wav");
    }
}
