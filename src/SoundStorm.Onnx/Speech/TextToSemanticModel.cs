using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Generation.Sampling;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Speech;

/// <summary>
/// The package's <c>text_to_semantic</c> graph (docs/graph-contract.md): a phone sequence → each phone's duration → the
/// semantic unit of every frame. The phone inventory and the embedding limit are read from the graph's metadata.
/// Thread-safe; dispose to release.
/// </summary>
internal sealed class TextToSemanticModel : IDisposable
{
    /// <summary>Longest phone sequence accepted (checked before any graph runs).</summary>
    public const int MaxPhones = 4000;

    /// <summary>Longest output accepted, in frames (10 minutes at 50 Hz; checked before the second graph call).</summary>
    public const int MaxFrames = 30_000;

    // One phone lasts at most 2 s: a runaway duration must not turn one phone into minutes of frames.
    private const int MaxPhoneDuration = 100;

    private readonly InferenceSession _session;
    private readonly Dictionary<string, long> _ids;
    private readonly int _maxPhoneFrames, _units;
    private readonly UsageGuard _guard = new(nameof(TextToSemanticModel));

    /// <summary>Opens the graph.</summary>
    /// <exception cref="ModelPackageException">The package has no text_to_semantic graph, or its metadata lacks the phone inventory.</exception>
    public TextToSemanticModel(ModelPackage package, SessionSettings settings)
    {
        if (!package.HasGraph(GraphNames.TextToSemantic))
            throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.TextToSemantic}",
                "a text_to_semantic graph (speaking text needs one)", "no such entry");
        _session = package.CreateSession(GraphNames.TextToSemantic, settings);
        try
        {
            var metadata = _session.ModelMetadata.CustomMetadataMap;
            string file = package.Manifest.Graphs[GraphNames.TextToSemantic].File;
            if (!metadata.TryGetValue("soundstorm.phones", out var phones) || string.IsNullOrWhiteSpace(phones))
                throw new ModelPackageException(file, "metadata soundstorm.phones", "the phone inventory", "nothing");
            Phones = phones.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            _ids = Phones.Select((p, i) => (p, (long)i)).ToDictionary(x => x.p, x => x.Item2, StringComparer.Ordinal);
            if (!metadata.TryGetValue("soundstorm.max_phone_frames", out var limit) || !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out _maxPhoneFrames) || _maxPhoneFrames < 2)
                throw new ModelPackageException(file, "metadata soundstorm.max_phone_frames", "an integer ≥ 2", limit ?? "nothing");
            _units = package.Manifest.SemanticVocabulary;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The phone symbols the model reads, in id order.</summary>
    public IReadOnlyList<string> Phones { get; }

    /// <summary>
    /// Semantic units [frames] of a phone sequence. <paramref name="speed"/> divides the predicted durations (1 = as
    /// trained); <paramref name="temperature"/> 0 takes each frame's most likely unit, above 0 samples with
    /// <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown phone, an empty or too long sequence, or a speed or temperature out of range.</exception>
    public long[] Units(IReadOnlyList<string> phones, double speed = 1, double temperature = 0, ulong seed = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phones);
        if (phones.Count == 0) throw new ArgumentException("There are no phones to speak.", nameof(phones));
        if (phones.Count > MaxPhones) throw new ArgumentException($"{phones.Count} phones; at most {MaxPhones} are spoken in one call.", nameof(phones));
        if (!(speed is >= 0.25 and <= 4)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "The speed must be in 0.25..4.");
        if (!(temperature >= 0) || double.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be finite and ≥ 0.");
        var ids = new long[phones.Count];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = _ids.TryGetValue(phones[i], out long id) ? id
                : throw new ArgumentException($"Phone {i} is '{phones[i]}', which the model does not know (it reads {string.Join(' ', Phones)}).", nameof(phones));

        using var lease = _guard.Enter();
        // First call: one dummy frame, to read the durations.
        var logDurations = new float[ids.Length];
        Run(ids, [0], [0], [1], logDurations, new float[_units], cancellationToken);
        var durations = new int[ids.Length];
        long total = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            double frames = Math.Round((Math.Exp(logDurations[i]) - 1) / speed);
            durations[i] = (int)Math.Clamp(double.IsFinite(frames) ? frames : 1, 1, MaxPhoneDuration);
            total += durations[i];
        }
        if (total > MaxFrames) throw new ArgumentException($"The phones would last {total} frames; at most {MaxFrames} are spoken in one call.", nameof(phones));

        var framePhone = new long[total];
        var frameOffset = new long[total];
        var frameLength = new long[total];
        for (int i = 0, t = 0; i < ids.Length; i++)
            for (int k = 0; k < durations[i]; k++, t++)
                (framePhone[t], frameOffset[t], frameLength[t]) = (i, Math.Min(k, _maxPhoneFrames - 1), Math.Min(durations[i], _maxPhoneFrames - 1));
        var logits = new float[total * _units];
        Run(ids, framePhone, frameOffset, frameLength, logDurations, logits, cancellationToken);

        var units = new long[total];
        var sampler = temperature > 0 ? new TokenSampler(_units) : null;
        var random = new Xoshiro256StarStar(seed);
        for (int t = 0; t < total; t++)
        {
            var row = logits.AsSpan(t * _units, _units);
            units[t] = sampler is null ? TokenSampler.ArgMax(row) : sampler.Sample(row, (float)temperature, 0, 1f, ref random);
        }
        return units;
    }

    private void Run(long[] phones, long[] framePhone, long[] frameOffset, long[] frameLength, float[] logDurations, float[] logits, CancellationToken cancellationToken)
    {
        long n = phones.Length, t = framePhone.Length;
        using var p = OrtValue.CreateTensorValueFromMemory(phones, [1, n]);
        using var fp = OrtValue.CreateTensorValueFromMemory(framePhone, [1, t]);
        using var fo = OrtValue.CreateTensorValueFromMemory(frameOffset, [1, t]);
        using var fl = OrtValue.CreateTensorValueFromMemory(frameLength, [1, t]);
        using var d = OrtValue.CreateTensorValueFromMemory(logDurations, [1, n]);
        using var l = OrtValue.CreateTensorValueFromMemory(logits, [1, t, _units]);
        GraphRunner.Run(_session, ["phones", "frame_phone", "frame_offset", "frame_length"], [p, fp, fo, fl], ["log_durations", "logits"], [d, l], cancellationToken);
    }

    /// <summary>Releases the session, after waiting for calls in flight.</summary>
    public void Dispose()
    {
        if (_guard.IsClosed) return;
        _guard.CloseAndWait();
        _session.Dispose();
    }
}
