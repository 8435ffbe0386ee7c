using System.Diagnostics;
using System.Globalization;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>
/// The objective of the shared <see cref="TrainingLoop{TRecord}"/> for HuBERT pretraining, and its run. HuBERT's first
/// iteration: MFCC k-means targets per 20 ms frame, span-masked prediction of the targets of masked
/// frames, AdamW with warm-up + cosine decay and gradient clipping. With forced-aligned phone labels as the targets
/// (<see cref="HubertPretrainOptions.PhoneLabels"/>) it trains a frame-level phone classifier instead: the loss covers
/// every frame (masked spans then ask for the phone from context, an auxiliary task and an augmentation), so the
/// layers below the head become phonetic by construction — the supervised semantic units of CosyVoice's kind. Every random draw after initialisation is keyed by
/// (seed, step) — batches, crops, masks, and dropout through a per-step reseed of libtorch's process-wide generator —
/// so a resumed run repeats the straight run's losses, provided nothing else in the process draws from that
/// generator while it trains.
/// </summary>
internal sealed class HubertPretrainObjective : ITrainingObjective<HubertStepRecord>, IDisposable
{
    /// <summary>Checkpoint file name inside the output folder.</summary>
    public const string CheckpointFile = "checkpoint.safetensors";

    private const ulong DropoutPurpose = 17, CropPurpose = 18;

    private readonly HubertPretrainOptions _options;
    private readonly string _output;
    private readonly TextWriter _log;
    private readonly IReadOnlyList<PretrainUtterance> _audio;
    private readonly long[][] _targets;
    private readonly Tensor? _centroids;
    private readonly HubertPretrainModel _model;
    private readonly AdamW _adam;
    private readonly TrainingLoop<HubertStepRecord> _loop;

    private HubertPretrainObjective(HubertPretrainOptions options, IReadOnlyList<PretrainUtterance> audio, string output, TextWriter? log, Tensor? centroids,
        IReadOnlyList<long[]>? phoneTargets)
    {
        _options = options.Validate();
        _output = output;
        _log = log ?? TextWriter.Null;
        _audio = audio;
        if (audio.Count == 0) throw new ArgumentException("HuBERT pre-training needs at least one utterance.");
        if (audio.Any(u => u.Samples.Length < Mfcc.Window))
            throw new ArgumentException($"every utterance needs at least {Mfcc.Window} samples; '{audio.First(u => u.Samples.Length < Mfcc.Window).Path}' is shorter.");
        if (options.PhoneLabels is not null)
        {
            if (phoneTargets is null || phoneTargets.Count != audio.Count)
                throw new ArgumentException($"phone-label training needs one label array per utterance ({audio.Count}); got {phoneTargets?.Count ?? 0}.");
            _targets = audio.Select((u, i) => PhoneLabels.Fit(phoneTargets[i], Mfcc.Frames(u.Samples.Length), u.Path)).ToArray();
            _log.WriteLine($"phone labels: {audio.Count} utterances, {_targets.Sum(t => t.Length)} frames ({_targets.Sum(t => t.Length) * 0.02 / 3600:F2} h)");
        }
        else (_targets, _centroids) = MakeTargets(centroids);

        manual_seed(options.Seed); // the positional conv's weight norm is drawn from the global generator
        _model = new HubertPretrainModel(options);
        SeededInit.Apply(_model, options.Seed);
        _model.train();
        _adam = new AdamW(_model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), 0.9, 0.98, weightDecay: options.WeightDecay);
        _loop = new TrainingLoop<HubertStepRecord>(this, _adam, options.LearningRates(), options.Cadence(validateEvery: 0),
            Path.Combine(output, CheckpointFile), _log);
    }

    /// <summary>
    /// A fresh run: clusters MFCC frames of <paramref name="audio"/> into the targets — or, with
    /// <see cref="HubertPretrainOptions.PhoneLabels"/>, takes <paramref name="phoneTargets"/> (one label array per
    /// utterance, <see cref="PhoneLabels"/> ids) — and initialises from the seed.
    /// </summary>
    public static HubertPretrainObjective Create(HubertPretrainOptions options, IReadOnlyList<PretrainUtterance> audio, string output, TextWriter? log = null,
        IReadOnlyList<long[]>? phoneTargets = null) =>
        new(options, audio, output, log, null, phoneTargets);

    /// <summary>
    /// Continues from a checkpoint of this trainer (same audio, and the same phone labels for a phone-label run): its
    /// options, targets, weights, optimiser and step.
    /// </summary>
    public static HubertPretrainObjective Resume(string checkpointPath, IReadOnlyList<PretrainUtterance> audio, string output, TextWriter? log = null,
        IReadOnlyList<long[]>? phoneTargets = null)
    {
        var checkpoint = HubertPretrainCheckpoint.Load(checkpointPath);
        var trainer = new HubertPretrainObjective(checkpoint.Options, audio, output, log, checkpoint.Centroids(), phoneTargets);
        StateDicts.Load(trainer._model, checkpoint.Tensors, checkpointPath, HubertPretrainCheckpoint.ModelPrefix);
        trainer._adam.LoadState(CheckpointStore.Under(checkpoint.Tensors, HubertPretrainCheckpoint.AdamPrefix), checkpoint.AdamSteps, checkpointPath);
        trainer._loop.Step = checkpoint.Step;
        trainer._loop.History.AddRange(checkpoint.History);
        trainer._log.WriteLine($"resumed at step {checkpoint.Step} from {checkpointPath}");
        return trainer;
    }

    /// <summary>The model being trained.</summary>
    public HubertPretrainModel Model => _model;

    /// <summary>Frame targets per utterance.</summary>
    public IReadOnlyList<long[]> Targets => _targets;

    /// <summary>Steps done.</summary>
    public int Step => _loop.Step;

    /// <summary>
    /// Trains until <see cref="TrainingRunOptions.Steps"/>, <paramref name="stopAfter"/> or the wall-clock limit,
    /// whichever comes first, writing checkpoints on the way and at the end. Returns the whole history.
    /// </summary>
    public IReadOnlyList<HubertStepRecord> Run(int? stopAfter = null, TimeSpan? timeLimit = null)
    {
        _loop.Run(stopAfter, timeLimit);
        return _loop.History.ToArray();
    }

    /// <summary>The masked-prediction (or frame-classification) loss of step <paramref name="step"/>'s batch.</summary>
    public StepLoss<HubertStepRecord> Loss(int step, double learningRate)
    {
        var random = new StepRandom(_options.Seed, StepRandom.Batch, step);
        var items = Enumerable.Range(0, _options.BatchSize).Select(_ => _audio.Count == 1 ? 0 : random.NextInt(_audio.Count)).ToArray();
        var (waveform, targets, mask) = Batch(items, new StepRandom(_options.Seed, CropPurpose, step));
        manual_seed((long)(new StepRandom(_options.Seed, DropoutPurpose, step).NextBits() >> 1));

        Tensor logits = _model.forward(waveform, mask);
        var (loss, accuracy) = _options.PhoneLabels is null
            ? Objective(logits, targets, mask, _options.UnmaskedWeight)
            : FrameObjective(logits, targets);
        return new(loss, update => new HubertStepRecord(update.Step, loss.item<float>(), accuracy, update.LearningRate, update.GradNorm));
    }

    /// <summary>The mean loss and accuracy since the last line, the rate and the gradient norm.</summary>
    public string Progress(IReadOnlyList<HubertStepRecord> sinceLastLine) => string.Create(CultureInfo.InvariantCulture,
        $"loss {sinceLastLine.Average(r => r.Loss):F4}  {(_options.PhoneLabels is null ? "masked" : "frame")} acc {100 * sinceLastLine.Average(r => r.Accuracy):F1}%  lr {sinceLastLine[^1].LearningRate:E2}  |g| {sinceLastLine[^1].GradNorm:F2}");

    /// <summary>Writes the checkpoint: weights, AdamW moments and the MFCC target centres.</summary>
    public void Save(string path, int step, IReadOnlyList<HubertStepRecord> history) =>
        HubertPretrainCheckpoint.Save(path, _model, _adam, _centroids, _options, step, history);

    /// <summary>Cross-entropy over masked frames (+ weight × over unmasked ones) and the masked arg-max accuracy.</summary>
    internal static (Tensor Loss, double Accuracy) Objective(Tensor logits, Tensor targets, Tensor mask, double unmaskedWeight)
    {
        Tensor flat = logits.view(-1, logits.shape[^1]);
        Tensor labels = targets.view(-1);
        Tensor masked = mask.view(-1);
        Tensor maskedLogits = flat[masked], maskedLabels = labels[masked];
        Tensor loss = nn.functional.cross_entropy(maskedLogits, maskedLabels);
        if (unmaskedWeight > 0 && masked.logical_not().any().item<bool>())
            loss = loss + unmaskedWeight * nn.functional.cross_entropy(flat[masked.logical_not()], labels[masked.logical_not()]);
        double accuracy;
        using (no_grad())
            accuracy = maskedLogits.argmax(1).eq(maskedLabels).to_type(ScalarType.Float32).mean().item<float>();
        return (loss, accuracy);
    }

    /// <summary>Cross-entropy over every frame and the arg-max accuracy over every frame (phone-label training).</summary>
    internal static (Tensor Loss, double Accuracy) FrameObjective(Tensor logits, Tensor targets)
    {
        Tensor flat = logits.view(-1, logits.shape[^1]);
        Tensor labels = targets.view(-1);
        Tensor loss = nn.functional.cross_entropy(flat, labels);
        double accuracy;
        using (no_grad())
            accuracy = flat.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
        return (loss, accuracy);
    }

    /// <summary>
    /// Crops the chosen utterances to one length (the crop limit, or the shortest when shorter), each at a random
    /// hop-aligned offset so its target frames line up, and draws a span mask per row.
    /// </summary>
    private (Tensor Waveform, Tensor Targets, Tensor Mask) Batch(int[] items, StepRandom random)
    {
        int length = Math.Min(_options.CropSamples, items.Min(i => _audio[i].Samples.Length));
        int frames = Mfcc.Frames(length);
        var wave = new float[items.Length * length];
        var targets = new long[items.Length * frames];
        var mask = new bool[items.Length * frames];
        for (int b = 0; b < items.Length; b++)
        {
            var samples = _audio[items[b]].Samples;
            int offsetHops = random.NextInt((samples.Length - length) / Mfcc.Hop + 1);
            Array.Copy(samples, offsetHops * Mfcc.Hop, wave, b * length, length);
            Array.Copy(_targets[items[b]], offsetHops, targets, b * frames, frames);
            SpanMasking.Draw(frames, _options.MaskProbability, _options.MaskLength, random).CopyTo(mask, b * frames);
        }
        return (tensor(wave, [items.Length, length]), tensor(targets, [items.Length, frames]), tensor(mask, [items.Length, frames]));
    }

    /// <summary>MFCC per utterance, clustered (or assigned to stored centres on resume).</summary>
    private (long[][] Targets, Tensor Centroids) MakeTargets(Tensor? centroids)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var features = _audio.Select(u => Mfcc.Compute(tensor(u.Samples))).ToArray();
        Tensor all = cat(features, 0);
        _log.WriteLine($"MFCC: {_audio.Count} utterances, {all.shape[0]} frames ({all.shape[0] * 0.02 / 3600:F2} h) in {clock.Elapsed.TotalSeconds:F1} s");
        if (centroids is null)
        {
            if (all.shape[0] < _options.Targets)
                throw new ArgumentException($"the audio has {all.shape[0]} frames, fewer than the {_options.Targets} MFCC targets.");
            centroids = KMeans.Fit(all, _options.Targets, _options.Seed, _options.KMeansIterations, log: _log);
            _log.WriteLine($"MFCC k-means: {_options.Targets} targets in {clock.Elapsed.TotalSeconds:F1} s");
        }
        else if (centroids.shape[1] != all.shape[1])
            throw new CheckpointFormatException($"stored target centres have {centroids.shape[1]} dimensions, the MFCC features {all.shape[1]}.");
        var targets = features.Select(f => KMeans.Assign(f, centroids).data<long>().ToArray()).ToArray();
        return (targets, centroids.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
        _centroids?.Dispose();
    }
}
