using System.Diagnostics;
using System.Globalization;
using SoundStorm.Export.Text;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// Trains the text-to-semantic model on a <see cref="TextUnitsDataset"/>: cross-entropy of each frame's unit given the
/// true durations (teacher forcing, as FastSpeech) plus the squared error of the predicted ln(1 + duration) of each
/// phone; AdamW, warm-up + cosine decay, clipping; held-out validation and a checkpoint every
/// <see cref="TextTrainOptions.CheckpointEvery"/> steps. Every draw is keyed by (seed, step), so a resumed run
/// repeats the straight run.
/// </summary>
internal sealed class TextTrainer : IDisposable
{
    /// <summary>Checkpoint file name inside the output folder; <see cref="BestFile"/> holds the step with the lowest held-out unit loss so far.</summary>
    public const string CheckpointFile = "checkpoint.safetensors", BestFile = "best.safetensors";

    private const ulong CropPurpose = 21;

    private readonly TextToSemanticConfig _config;
    private readonly TextTrainOptions _options;
    private readonly IReadOnlyList<string> _phones;
    private readonly string _output;
    private readonly TextWriter _log;
    private readonly TextUnitsUtterance[] _train, _validation;
    private readonly TextToSemanticModel _model;
    private readonly AdamW _adam;
    private readonly LearningRateSchedule _schedule;
    private readonly List<TextStepRecord> _history = [];
    private readonly List<TextValidationRecord> _validations = [];
    private int _step;

    /// <summary>A fresh run (initialisation seeded by <see cref="TextTrainOptions.Seed"/>).</summary>
    public TextTrainer(TextToSemanticConfig config, TextTrainOptions options, TextUnitsDataset dataset, string output, TextWriter? log = null)
    {
        _config = config.Validate();
        _options = options.Validate();
        if (dataset.Phones.Count != config.Phones)
            throw new ArgumentException($"the dataset has {dataset.Phones.Count} phones; the model {config.Phones}.");
        if (dataset.Units != config.Units)
            throw new ArgumentException($"the dataset has {dataset.Units} semantic units; the model {config.Units}.");
        _phones = dataset.Phones;
        _output = output;
        _log = log ?? TextWriter.Null;
        int count = dataset.Utterances.Count;
        int held = count > 1 ? Math.Min(count - 1, (int)Math.Ceiling(options.ValidationFraction * count)) : 0;
        _train = dataset.Utterances.Take(count - held).ToArray();
        _validation = dataset.Utterances.Skip(count - held).ToArray();
        _model = new TextToSemanticModel(config);
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
        var trainer = new TextTrainer(checkpoint.Config, checkpoint.Options, dataset, output, log);
        StateDicts.Load(trainer._model, checkpoint.Under(TextCheckpoint.ModelPrefix), checkpointPath);
        trainer._adam.LoadState(checkpoint.Under(TextCheckpoint.AdamPrefix), checkpoint.AdamSteps, checkpointPath);
        trainer._step = checkpoint.Step;
        trainer._history.AddRange(checkpoint.History);
        trainer._validations.AddRange(checkpoint.Validations);
        trainer._log.WriteLine($"resumed {checkpointPath} at step {checkpoint.Step}/{checkpoint.Options.Steps}");
        return trainer;
    }

    /// <summary>The model being trained.</summary>
    public TextToSemanticModel Model => _model;

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
                TextCheckpoint.Save(checkpoint, _model, _adam, _phones, _options, _step, _history, _validations);
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
        var batch = TextBatch.Build(items, _options.MaxFrames, _config.Phones, _config.MaxPhoneFrames, new StepRandom(_options.Seed, CropPurpose, step));
        var (unitLoss, durationLoss, _, _) = Losses(batch);
        Tensor loss = unitLoss + durationLoss.mul(HeldScalars.Of(_options.DurationWeight));
        _adam.ZeroGrad();
        loss.backward();
        double norm = _adam.ClipGradNorm(_options.ClipNorm);
        double lr = _schedule.At(step);
        _adam.Step(lr);
        return new TextStepRecord(step + 1, unitLoss.item<float>(), durationLoss.item<float>(), lr, norm);
    }

    // Unit cross-entropy over real frames, duration squared error over real phones, and (for validation) the arg-max
    // hits and the absolute duration error in frames, summed.
    private (Tensor UnitLoss, Tensor DurationLoss, long Hits, double DurationError) Losses(TextBatch batch)
    {
        var (phones, phonePadding, logDurations, framePhone, frameOffset, frameLength, framePadding, units) = batch.ToTensors();
        var (predicted, logits) = _model.Forward(phones, phonePadding, framePhone, frameOffset, frameLength, framePadding);
        Tensor unitLoss = nn.functional.cross_entropy(logits.view(-1, _config.Units), units.view(-1), ignore_index: TextBatch.Ignore);
        Tensor real = phonePadding.logical_not();
        Tensor durationLoss = (predicted - logDurations).square().masked_select(real).mean();
        if (_model.training) return (unitLoss, durationLoss, 0, 0);
        long hits = logits.argmax(2).eq(units).sum().item<long>();
        double error = (predicted.exp() - logDurations.exp()).abs().masked_select(real).sum().item<float>();
        return (unitLoss, durationLoss, hits, error);
    }

    /// <summary>Held-out unit loss and accuracy (true durations) and mean absolute duration error, logged and recorded.</summary>
    public TextValidationRecord Validate()
    {
        var set = _validation.Length > 0 ? _validation : _train;
        _model.eval();
        double lossSum = 0, durationError = 0;
        long hits = 0, frames = 0, phones = 0;
        try
        {
            using var _ = no_grad();
            for (int start = 0; start < set.Length; start += _options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var items = set.Skip(start).Take(_options.BatchSize).ToArray();
                var batch = TextBatch.Build(items, int.MaxValue, _config.Phones, _config.MaxPhoneFrames, null);
                var (unitLoss, _, h, e) = Losses(batch);
                long n = items.Sum(u => (long)u.Units.Length);
                lossSum += unitLoss.item<float>() * n;
                (hits, frames, durationError, phones) = (hits + h, frames + n, durationError + e, phones + items.Sum(u => (long)u.Phones.Length));
            }
        }
        finally
        {
            _model.train();
        }
        var record = new TextValidationRecord(_step, lossSum / frames, (double)hits / frames, durationError / phones);
        _validations.Add(record);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation step {_step}: unit loss {record.UnitLoss:F3}  unit acc {100 * record.UnitAccuracy:F1}%  duration error {record.DurationMeanAbsoluteError:F2} frames"));
        return record;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
    }
}
