using System.Globalization;
using SoundStorm.Export.Text;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// The objective of the shared <see cref="TrainingLoop{TRecord}"/> for this family, and its run (model, AdamW, loop, resume).
/// Trains a text-to-semantic network (<see cref="ITextUnitsNetwork"/>: the duration model or the autoregressive one) on
/// a <see cref="TextUnitsDataset"/>: the network's unit loss plus <see cref="TextTrainOptions.DurationWeight"/> times its
/// auxiliary loss, as the objective of the shared <see cref="TrainingLoop{TRecord}"/> (AdamW, warm-up + cosine decay,
/// clipping); held-out validation with each checkpoint, every <see cref="TrainingRunOptions.CheckpointEvery"/> steps.
/// Every draw is keyed by (seed, step), so a resumed run repeats the straight run.
/// </summary>
internal sealed class TextObjective : ITrainingObjective<TextStepRecord>, IDisposable
{
    /// <summary>Checkpoint file name inside the output folder; <see cref="BestFile"/> holds the step with the lowest held-out unit loss so far.</summary>
    public const string CheckpointFile = "checkpoint.safetensors", BestFile = "best.safetensors";

    private const ulong CropPurpose = 21;

    private readonly TextTrainOptions _options;
    private readonly IReadOnlyList<string> _phones;
    private readonly string _output;
    private readonly TextWriter _log;
    private readonly TextUnitsUtterance[] _train, _validation;
    private readonly ITextUnitsNetwork _network;
    private readonly nn.Module _model;
    private readonly AdamW _adam;
    private readonly TrainingLoop<TextStepRecord> _loop;
    private readonly List<TextValidationRecord> _validations = [];

    /// <summary>A fresh run of the duration model (initialisation seeded by <see cref="TrainingRunOptions.Seed"/>).</summary>
    public TextObjective(TextToSemanticConfig config, TextTrainOptions options, TextUnitsDataset dataset, string output, TextWriter? log = null)
        : this(new DurationTextNetwork(config), options, dataset, output, log)
    {
    }

    /// <summary>A fresh run of <paramref name="network"/>, which the trainer then owns (initialisation seeded by <see cref="TrainingRunOptions.Seed"/>).</summary>
    public TextObjective(ITextUnitsNetwork network, TextTrainOptions options, TextUnitsDataset dataset, string output, TextWriter? log = null)
    {
        _network = network;
        _options = options.Validate();
        if (dataset.Phones.Count != network.Phones)
            throw new ArgumentException($"the dataset has {dataset.Phones.Count} phones; the model {network.Phones}.");
        if (dataset.Units != network.Units)
            throw new ArgumentException($"the dataset has {dataset.Units} semantic units; the model {network.Units}.");
        _phones = dataset.Phones;
        _output = output;
        _log = log ?? TextWriter.Null;
        int count = dataset.Utterances.Count;
        int held = count > 1 ? Math.Min(count - 1, (int)Math.Ceiling(options.ValidationFraction * count)) : 0;
        _train = dataset.Utterances.Take(count - held).ToArray();
        _validation = dataset.Utterances.Skip(count - held).ToArray();
        _model = network.Module;
        SeededInit.Apply(_model, options.Seed);
        _model.train();
        _adam = new AdamW(_model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), 0.9, 0.98, weightDecay: options.WeightDecay);
        // Validation goes with each checkpoint: Save keeps the best-validating step beside the latest.
        _loop = new TrainingLoop<TextStepRecord>(this, _adam, options.LearningRates(), options.Cadence(options.CheckpointEvery),
            Path.Combine(output, CheckpointFile), _log);
    }

    /// <summary>Continues from a checkpoint of this trainer (same data).</summary>
    public static TextObjective Resume(string checkpointPath, TextUnitsDataset dataset, string output, TextWriter? log = null)
    {
        var checkpoint = TextCheckpoint.Load(checkpointPath);
        if (!checkpoint.Phones.SequenceEqual(dataset.Phones))
            throw new ArgumentException($"{checkpointPath}: its phones ({string.Join(' ', checkpoint.Phones)}) are not the dataset's ({string.Join(' ', dataset.Phones)}).");
        var trainer = new TextObjective(TextNetworks.Create(checkpoint), checkpoint.Options, dataset, output, log);
        StateDicts.Load(trainer._model, checkpoint.Under(TextCheckpoint.ModelPrefix), checkpointPath);
        trainer._adam.LoadState(checkpoint.Under(TextCheckpoint.AdamPrefix), checkpoint.AdamSteps, checkpointPath);
        trainer._loop.Step = checkpoint.Step;
        trainer._loop.History.AddRange(checkpoint.History);
        trainer._validations.AddRange(checkpoint.Validations);
        trainer._log.WriteLine($"resumed {checkpointPath} at step {checkpoint.Step}/{checkpoint.Options.Steps}");
        return trainer;
    }

    /// <summary>The network being trained.</summary>
    public ITextUnitsNetwork Network => _network;

    /// <summary>Steps done.</summary>
    public int Step => _loop.Step;

    /// <summary>Validation records so far.</summary>
    public IReadOnlyList<TextValidationRecord> Validations => _validations;

    /// <summary>Trains until the last step, <paramref name="stopAfter"/> or the time limit; returns the step history.</summary>
    public IReadOnlyList<TextStepRecord> Run(int? stopAfter = null, TimeSpan? timeLimit = null)
    {
        _loop.Run(stopAfter, timeLimit);
        return _loop.History.ToArray();
    }

    /// <summary>The unit loss plus the weighted auxiliary (duration) loss of step <paramref name="step"/>'s batch.</summary>
    public StepLoss<TextStepRecord> Loss(int step, double learningRate)
    {
        var random = new StepRandom(_options.Seed, StepRandom.Batch, step);
        var items = Enumerable.Range(0, _options.BatchSize).Select(_ => _train[random.NextInt(_train.Length)]).ToArray();
        var (unitLoss, durationLoss) = _network.TrainingLosses(items, _options.MaxFrames, new StepRandom(_options.Seed, CropPurpose, step));
        Tensor loss = unitLoss + durationLoss.mul(HeldScalars.Of(_options.DurationWeight));
        return new(loss, update => new TextStepRecord(update.Step, unitLoss.item<float>(), durationLoss.item<float>(), update.LearningRate, update.GradNorm));
    }

    /// <summary>The mean losses since the last line, the rate and the gradient norm.</summary>
    public string Progress(IReadOnlyList<TextStepRecord> sinceLastLine) => string.Create(CultureInfo.InvariantCulture,
        $"unit loss {sinceLastLine.Average(r => r.UnitLoss):F4}  duration loss {sinceLastLine.Average(r => r.DurationLoss):F4}  lr {sinceLastLine[^1].LearningRate:E2}  |g| {sinceLastLine[^1].GradNorm:F2}");

    void ITrainingObjective<TextStepRecord>.Validate(int step) => Validate();

    /// <summary>Writes the checkpoint, and copies it to <see cref="BestFile"/> when its step validated best so far.</summary>
    public void Save(string path, int step, IReadOnlyList<TextStepRecord> history)
    {
        TextCheckpoint.Save(path, _network, _adam, _phones, _options, step, history, _validations);
        // A small corpus is over-fitted long before the schedule ends: keep the step that validated best too.
        var validation = _validations[^1];
        if (_validations.All(v => v.Step == validation.Step || v.UnitLoss > validation.UnitLoss))
            File.Copy(path, Path.Combine(_output, BestFile), overwrite: true);
    }

    /// <summary>Held-out unit loss and accuracy (true durations) and mean absolute duration error, logged and recorded.</summary>
    public TextValidationRecord Validate()
    {
        var set = _validation.Length > 0 ? _validation : _train;
        _model.eval();
        var sums = new TextValidationSums();
        try
        {
            using var _ = no_grad();
            for (int start = 0; start < set.Length; start += _options.BatchSize)
            {
                using var scope = NewDisposeScope();
                sums += _network.Measure(set.Skip(start).Take(_options.BatchSize).ToArray());
            }
        }
        finally
        {
            _model.train();
        }
        var record = new TextValidationRecord(_loop.Step, sums.UnitLossSum / sums.Positions, (double)sums.Hits / sums.Positions, sums.DurationErrorSum / sums.Phones);
        _validations.Add(record);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation step {_loop.Step}: unit loss {record.UnitLoss:F3}  unit acc {100 * record.UnitAccuracy:F1}%  duration error {record.DurationMeanAbsoluteError:F2} frames"));
        return record;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        _network.Dispose();
    }
}
