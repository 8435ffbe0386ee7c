using System.Diagnostics;
using System.Globalization;
using SoundStorm.Export.Text;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// Trains a text-to-semantic network (<see cref="ITextUnitsNetwork"/>: the duration model or the autoregressive one) on
/// a <see cref="TextUnitsDataset"/>: the network's unit loss plus <see cref="TextTrainOptions.DurationWeight"/> times its
/// auxiliary loss; AdamW, warm-up + cosine decay, clipping; held-out validation and a checkpoint every
/// <see cref="TextTrainOptions.CheckpointEvery"/> steps. Every draw is keyed by (seed, step), so a resumed run
/// repeats the straight run.
/// </summary>
internal sealed class TextTrainer : IDisposable
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
    private readonly LearningRateSchedule _schedule;
    private readonly List<TextStepRecord> _history = [];
    private readonly List<TextValidationRecord> _validations = [];
    private int _step;

    /// <summary>A fresh run of the duration model (initialisation seeded by <see cref="TextTrainOptions.Seed"/>).</summary>
    public TextTrainer(TextToSemanticConfig config, TextTrainOptions options, TextUnitsDataset dataset, string output, TextWriter? log = null)
        : this(new DurationTextNetwork(config), options, dataset, output, log)
    {
    }

    /// <summary>A fresh run of <paramref name="network"/>, which the trainer then owns (initialisation seeded by <see cref="TextTrainOptions.Seed"/>).</summary>
    public TextTrainer(ITextUnitsNetwork network, TextTrainOptions options, TextUnitsDataset dataset, string output, TextWriter? log = null)
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
        _schedule = new LearningRateSchedule(options.LearningRate, options.WarmupSteps, options.Steps, options.MinLearningRate);
    }

    /// <summary>Continues from a checkpoint of this trainer (same data).</summary>
    public static TextTrainer Resume(string checkpointPath, TextUnitsDataset dataset, string output, TextWriter? log = null)
    {
        var checkpoint = TextCheckpoint.Load(checkpointPath);
        if (!checkpoint.Phones.SequenceEqual(dataset.Phones))
            throw new ArgumentException($"{checkpointPath}: its phones ({string.Join(' ', checkpoint.Phones)}) are not the dataset's ({string.Join(' ', dataset.Phones)}).");
        var trainer = new TextTrainer(TextNetworks.Create(checkpoint), checkpoint.Options, dataset, output, log);
        StateDicts.Load(trainer._model, checkpoint.Under(TextCheckpoint.ModelPrefix), checkpointPath);
        trainer._adam.LoadState(checkpoint.Under(TextCheckpoint.AdamPrefix), checkpoint.AdamSteps, checkpointPath);
        trainer._step = checkpoint.Step;
        trainer._history.AddRange(checkpoint.History);
        trainer._validations.AddRange(checkpoint.Validations);
        trainer._log.WriteLine($"resumed {checkpointPath} at step {checkpoint.Step}/{checkpoint.Options.Steps}");
        return trainer;
    }

    /// <summary>The network being trained.</summary>
    public ITextUnitsNetwork Network => _network;

    /// <summary>Steps done.</summary>
    public int Step => _step;

    /// <summary>Validation records so far.</summary>
    public IReadOnlyList<TextValidationRecord> Validations => _validations;

    /// <summary>Trains until the last step, <paramref name="stopAfter"/> or the time limit; returns the step history.</summary>
    public IReadOnlyList<TextStepRecord> Run(int? stopAfter = null, TimeSpan? timeLimit = null)
    {
        int last = Math.Min(_options.Steps, stopAfter ?? int.MaxValue);
        string checkpoint = Path.Combine(_output, CheckpointFile);
        var clock = Stopwatch.StartNew();
        int startStep = _step;
        double unitSum = 0, durationSum = 0;
        int count = 0;
        while (_step < last)
        {
            var record = TrainStep(_step);
            _step++;
            _history.Add(record);
            (unitSum, durationSum, count) = (unitSum + record.UnitLoss, durationSum + record.DurationLoss, count + 1);
            bool outOfTime = timeLimit is { } limit && clock.Elapsed >= limit;
            bool end = _step == last || outOfTime;
            if (_step % Math.Max(1, _options.LogEvery) == 0 || end)
            {
                double rate = (_step - startStep) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {_step}/{_options.Steps}  unit loss {unitSum / count:F4}  duration loss {durationSum / count:F4}  lr {record.LearningRate:E2}  |g| {record.GradNorm:F2}  {rate:F2} steps/s"));
                (unitSum, durationSum, count) = (0, 0, 0);
            }
            if ((_options.CheckpointEvery > 0 && _step % _options.CheckpointEvery == 0) || end)
            {
                var validation = Validate();
                TextCheckpoint.Save(checkpoint, _network, _adam, _phones, _options, _step, _history, _validations);
                // A small corpus is over-fitted long before the schedule ends: keep the step that validated best too.
                if (_validations.All(v => v.Step == validation.Step || v.UnitLoss > validation.UnitLoss))
                    File.Copy(checkpoint, Path.Combine(_output, BestFile), overwrite: true);
            }
            if (outOfTime)
            {
                _log.WriteLine($"time limit reached after step {_step}; checkpoint written, continue with --resume {checkpoint}");
                break;
            }
        }
        return _history.ToArray();
    }

    private TextStepRecord TrainStep(int step)
    {
        using var scope = NewDisposeScope();
        var random = new StepRandom(_options.Seed, StepRandom.Batch, step);
        var items = Enumerable.Range(0, _options.BatchSize).Select(_ => _train[random.NextInt(_train.Length)]).ToArray();
        var (unitLoss, durationLoss) = _network.TrainingLosses(items, _options.MaxFrames, new StepRandom(_options.Seed, CropPurpose, step));
        Tensor loss = unitLoss + durationLoss.mul(HeldScalars.Of(_options.DurationWeight));
        _adam.ZeroGrad();
        loss.backward();
        double norm = _adam.ClipGradNorm(_options.ClipNorm);
        double lr = _schedule.At(step);
        _adam.Step(lr);
        return new TextStepRecord(step + 1, unitLoss.item<float>(), durationLoss.item<float>(), lr, norm);
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
        var record = new TextValidationRecord(_step, sums.UnitLossSum / sums.Positions, (double)sums.Hits / sums.Positions, sums.DurationErrorSum / sums.Phones);
        _validations.Add(record);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation step {_step}: unit loss {record.UnitLoss:F3}  unit acc {100 * record.UnitAccuracy:F1}%  duration error {record.DurationMeanAbsoluteError:F2} frames"));
        return record;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        _network.Dispose();
    }
}
