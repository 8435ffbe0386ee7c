using System.Globalization;
using SoundStorm.Export.Acoustic;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// The objective of the shared <see cref="TrainingLoop{TRecord}"/> for this family, and its run (model, AdamW, loop, resume).
/// Trains a paper-family model with the level-wise masked objective (<see cref="LevelMasking"/>): AdamW, linear
/// warm-up + cosine decay, global-norm clipping, optional EMA, periodic validation and checkpoints. All randomness
/// after initialisation is keyed by (seed, step), so a resumed run continues the straight run's loss curve exactly.
/// </summary>
internal sealed class PaperObjective : ITrainingObjective<StepRecord>, IDisposable
{
    /// <summary>Checkpoint and curve file names inside the output folder.</summary>
    public const string CheckpointFile = "checkpoint.safetensors", CurveFile = "loss.png";

    private readonly PaperModelConfig _config;
    private readonly TrainOptions _options;
    private readonly string _output;
    private readonly TextWriter _log;
    private readonly TokenUtterance[] _train;
    private readonly TokenUtterance[] _validation;
    private readonly PaperAcousticModel _model;
    private readonly PaperAcousticModel? _emaModel;
    private readonly ExponentialAverage? _ema;
    private readonly AdamW _adam;
    private readonly TrainingLoop<StepRecord> _loop;
    private readonly List<ValidationRecord> _validations = [];
    private readonly Dictionary<long, int[]> _orders = [];

    /// <summary>A fresh run (initialisation seeded by <see cref="TrainingRunOptions.Seed"/>).</summary>
    public PaperObjective(PaperModelConfig config, TrainOptions options, TokenDataset dataset, string outputFolder, TextWriter? log = null)
    {
        _config = config.Validate();
        _options = options.Validate() with { FrameRate = dataset.Header.FrameRate };
        _output = outputFolder;
        _log = log ?? TextWriter.Null;
        CheckDataset(dataset, config);
        if (_options.LevelWeights is { } weights && weights.Length != config.Codebooks)
            throw new ArgumentException($"--level-weights gives {weights.Length} weights; the model has {config.Codebooks} levels.");
        (_train, _validation) = dataset.Split(options.ValidationFraction);

        _model = new PaperAcousticModel(config);
        SeededInit.Apply(_model, options.Seed);
        _model.train();
        if (options.EmaDecay > 0)
        {
            _emaModel = new PaperAcousticModel(config);
            _ema = new ExponentialAverage(_model, _emaModel, options.EmaDecay);
        }
        _adam = new AdamW(_model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), options.Beta1, options.Beta2, weightDecay: options.WeightDecay);
        _loop = new TrainingLoop<StepRecord>(this, _adam, options.LearningRates(), options.Cadence(options.ValidateEvery),
            Path.Combine(outputFolder, CheckpointFile), _log);
    }

    /// <summary>Continues from a checkpoint written by this trainer (same configuration, options and data).</summary>
    public static PaperObjective Resume(string checkpointPath, TokenDataset dataset, string outputFolder, TextWriter? log = null) =>
        Resume(TrainingCheckpoint.Load(checkpointPath), dataset, outputFolder, log);

    /// <summary>Continues from an already loaded checkpoint (the CLI reads it once, for its sizes too).</summary>
    public static PaperObjective Resume(TrainingCheckpoint checkpoint, TokenDataset dataset, string outputFolder, TextWriter? log = null)
    {
        string checkpointPath = checkpoint.Path;
        var trainer = new PaperObjective(checkpoint.Config, checkpoint.Options, dataset, outputFolder, log);
        StateDicts.Load(trainer._model, checkpoint.Under(TrainingCheckpoint.ModelPrefix), checkpointPath);
        if (trainer._emaModel is not null)
            StateDicts.Load(trainer._emaModel, checkpoint.Under(TrainingCheckpoint.EmaPrefix), checkpointPath);
        trainer._adam.LoadState(checkpoint.Under(TrainingCheckpoint.AdamPrefix), checkpoint.AdamSteps, checkpointPath);
        trainer._loop.Step = checkpoint.Step;
        trainer._loop.History.AddRange(checkpoint.History);
        trainer._validations.AddRange(checkpoint.Validations);
        trainer._log.WriteLine($"resumed {checkpointPath} at step {checkpoint.Step}/{checkpoint.Options.Steps}");
        return trainer;
    }

    /// <summary>
    /// A new run (fresh optimiser, schedule and step count from <paramref name="options"/>) that starts from the model
    /// weights of a checkpoint written by this trainer — a warm restart, e.g. to train a finished run for longer. The
    /// architecture is the checkpoint's; an EMA, when enabled, starts at the loaded weights.
    /// </summary>
    public static PaperObjective StartFrom(string checkpointPath, TrainOptions options, TokenDataset dataset, string outputFolder, TextWriter? log = null) =>
        StartFrom(TrainingCheckpoint.Load(checkpointPath), options, dataset, outputFolder, log);

    /// <summary>A warm restart from an already loaded checkpoint.</summary>
    public static PaperObjective StartFrom(TrainingCheckpoint checkpoint, TrainOptions options, TokenDataset dataset, string outputFolder, TextWriter? log = null)
    {
        string checkpointPath = checkpoint.Path;
        var trainer = new PaperObjective(checkpoint.Config, options, dataset, outputFolder, log);
        var weights = checkpoint.Under(TrainingCheckpoint.ModelPrefix);
        StateDicts.Load(trainer._model, weights, checkpointPath);
        if (trainer._emaModel is not null) StateDicts.Load(trainer._emaModel, weights, checkpointPath);
        trainer._log.WriteLine($"started from the weights of {checkpointPath} (its step {checkpoint.Step}); new run of {options.Steps} steps");
        return trainer;
    }

    /// <summary>The model being trained.</summary>
    public PaperAcousticModel Model => _model;

    /// <summary>The EMA copy, when enabled.</summary>
    public PaperAcousticModel? EmaModel => _emaModel;

    /// <summary>Steps completed.</summary>
    public int Step => _loop.Step;

    /// <summary>Utterances held out for validation.</summary>
    public IReadOnlyList<TokenUtterance> ValidationSet => _validation;

    /// <summary>
    /// Trains up to <see cref="TrainingRunOptions.Steps"/> (or <paramref name="stopAfter"/>, or until <paramref name="timeLimit"/>
    /// of wall time has passed), validating and checkpointing on the way and at the end; a stopped run resumes later.
    /// </summary>
    public TrainingResult Run(int? stopAfter = null, TimeSpan? timeLimit = null)
    {
        _loop.Run(stopAfter, timeLimit);
        return new TrainingResult(_loop.History.ToArray(), _validations.ToArray(), _loop.CheckpointPath, _loop.Step);
    }

    /// <summary>Masked-level cross-entropy of step <paramref name="step"/>'s batch; the EMA follows each update.</summary>
    public StepLoss<StepRecord> Loss(int step, double learningRate)
    {
        var random = new StepRandom(_options.Seed, StepRandom.Batch, step);
        var items = new TokenUtterance[_options.BatchSize];
        for (int i = 0; i < items.Length; i++)
        {
            long global = (long)step * _options.BatchSize + i;
            items[i] = _train[EpochOrder(global / _train.Length)[global % _train.Length]];
        }
        var draws = items.Select(u => LevelMasking.DrawFor(u, _options.MaxFrames, _options.MaxPromptFraction, random, levelWeights: _options.LevelWeights)).ToArray();
        var batch = LevelMasking.Build(items, draws, _config.MaskId, _config.SemanticVocab);
        var (tokens, semantic, padding, levels, targets) = batch.ToTensors();

        Tensor logits = _model.Forward(tokens, semantic, padding, levels);
        Tensor loss = nn.functional.cross_entropy(logits.view(-1, _config.CodebookSize), targets.view(-1), ignore_index: MaskedBatch.Ignore);
        return new(loss, update =>
        {
            _ema?.Update(_model);
            return new StepRecord(update.Step, loss.item<float>(), update.LearningRate, update.GradNorm);
        });
    }

    /// <summary>The mean loss since the last line, the rate and the gradient norm.</summary>
    public string Progress(IReadOnlyList<StepRecord> sinceLastLine) => string.Create(CultureInfo.InvariantCulture,
        $"loss {sinceLastLine.Average(r => r.Loss):F4}  lr {sinceLastLine[^1].LearningRate:E2}  |g| {sinceLastLine[^1].GradNorm:F2}");

    void ITrainingObjective<StepRecord>.Validate(int step) => Validate();

    /// <summary>Writes the checkpoint and redraws the loss curve.</summary>
    public void Save(string path, int step, IReadOnlyList<StepRecord> history)
    {
        TrainingCheckpoint.Save(path, _model, _emaModel, _adam, _config, _options, step, history, _validations);
        LossCurve.Save(Path.Combine(_output, CurveFile), history, _validations);
    }

    private int[] EpochOrder(long epoch)
    {
        if (!_orders.TryGetValue(epoch, out var order))
        {
            _orders.Clear(); // only the current epoch is needed
            order = _orders[epoch] = new StepRandom(_options.Seed, StepRandom.Order, epoch).Permutation(_train.Length);
        }
        return order;
    }

    /// <summary>Per-level loss and masked-token accuracy of the model on the validation set (fixed draws), logged and recorded.</summary>
    public ValidationRecord Validate()
    {
        var record = Evaluate(_model, _validation.Length > 0 ? _validation : _train);
        _validations.Add(record);
        _log.WriteLine($"validation step {_loop.Step}: " + string.Join("  ", Enumerable.Range(0, _config.Codebooks).Select(q =>
            string.Create(CultureInfo.InvariantCulture, $"L{q} loss {record.Loss[q]:F3} acc {100 * record.Accuracy[q]:F1}%"))));
        return record;
    }

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="utterances"/>: one fixed masking draw per utterance and level.</summary>
    public ValidationRecord Evaluate(PaperAcousticModel model, IReadOnlyList<TokenUtterance> utterances)
    {
        bool wasTraining = model.training;
        model.eval();
        var loss = new double[_config.Codebooks];
        var accuracy = new double[_config.Codebooks];
        try
        {
            using var _ = no_grad();
            for (int q = 0; q < _config.Codebooks; q++)
            {
                double lossSum = 0;
                long correct = 0, count = 0;
                for (int start = 0; start < utterances.Count; start += _options.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var items = utterances.Skip(start).Take(_options.BatchSize).ToArray();
                    var draws = items.Select((u, i) => LevelMasking.DrawFor(u, _options.MaxFrames, _options.MaxPromptFraction,
                        new StepRandom(_options.Seed, StepRandom.Validation, (long)(start + i) * _config.Codebooks + q), q)).ToArray();
                    var (tokens, semantic, padding, levels, targets) = LevelMasking.Build(items, draws, _config.MaskId, _config.SemanticVocab).ToTensors();
                    Tensor logits = model.Forward(tokens, semantic, padding, levels).view(-1, _config.CodebookSize);
                    Tensor flat = targets.view(-1);
                    lossSum += nn.functional.cross_entropy(logits, flat, ignore_index: MaskedBatch.Ignore, reduction: nn.Reduction.Sum).item<float>();
                    Tensor scored = flat.ne(MaskedBatch.Ignore);
                    correct += logits.argmax(1).eq(flat).logical_and(scored).sum().item<long>();
                    count += scored.sum().item<long>();
                }
                loss[q] = lossSum / Math.Max(1, count);
                accuracy[q] = (double)correct / Math.Max(1, count);
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return new ValidationRecord(_loop.Step, loss, accuracy);
    }

    private static void CheckDataset(TokenDataset dataset, PaperModelConfig config) =>
        dataset.EnsureFits(config.Codebooks, config.CodebookSize, config.SemanticVocab);

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
        _emaModel?.Dispose();
    }
}
