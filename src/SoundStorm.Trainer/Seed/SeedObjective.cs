using SoundStorm.Export.Acoustic;
using System.Globalization;
using SoundStorm.Export.Weights;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Seed;

/// <summary>
/// The objective of the shared <see cref="TrainingLoop{TRecord}"/> for this family, and its run (model, AdamW, loop, resume).
/// Trains (or fine-tunes) a seed-family network with its discrete-diffusion objective (<see cref="DiffusionObjective"/>):
/// per batch the upstream prompt/target split (<see cref="SeedBatch"/>), importance-sampled steps
/// (<see cref="TimestepSampler"/>), Gumbel-max corruption, AdamW with warm-up + cosine, global-norm clipping.
/// Every draw is keyed by (seed, step): data order and splits by <see cref="StepRandom"/>, the corruption noise by a
/// torch generator seeded from it.
/// </summary>
internal sealed class SeedObjective : ITrainingObjective<StepRecord>, IDisposable
{
    /// <summary>Checkpoint file name inside the output folder.</summary>
    public const string CheckpointFile = "checkpoint.safetensors";

    private readonly SeedModelConfig _config;
    private readonly TrainOptions _options;
    private readonly string _output;
    private readonly TextWriter _log;
    private readonly TokenUtterance[] _train;
    private readonly TokenUtterance[] _validation;
    private readonly SeedDiffusionTransformer _model;
    private readonly DiffusionObjective _objective;
    private readonly TimestepSampler _sampler;
    private readonly AdamW _adam;
    private readonly TrainingLoop<StepRecord> _loop;

    /// <summary>A run from seeded initialisation, or from <paramref name="initial"/> weights (fine-tuning an imported checkpoint).</summary>
    public SeedObjective(SeedModelConfig config, TrainOptions options, TokenDataset dataset, string outputFolder, TextWriter? log = null, WeightSet? initial = null)
    {
        config.Validate();
        _config = config;
        _options = options.Validate() with { FrameRate = dataset.Header.FrameRate };
        _output = outputFolder;
        _log = log ?? TextWriter.Null;
        CheckDataset(dataset, config);
        (_train, _validation) = dataset.Split(options.ValidationFraction);

        _model = new SeedDiffusionTransformer(config);
        SeededInit.Apply(_model, options.Seed);
        if (initial is not null) LoadWeights(_model, initial);
        _model.train();
        _objective = new DiffusionObjective(config.ContentRows);
        if (config.TimestepRows < _objective.Steps)
            throw new ArgumentException($"the timestep tables have {config.TimestepRows} rows; the diffusion needs {_objective.Steps}.");
        _sampler = new TimestepSampler(_objective.Steps);
        // Upstream decays every parameter (its optimiser group is 'none'); this AdamW decays matrices and tables.
        _adam = new AdamW(_model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), options.Beta1, options.Beta2, weightDecay: options.WeightDecay);
        // Validation (a fixed-draw diffusion loss) runs once, at the end.
        _loop = new TrainingLoop<StepRecord>(this, _adam, options.LearningRates(), options.Cadence(validateEvery: 0),
            Path.Combine(outputFolder, CheckpointFile), _log);
    }

    /// <summary>
    /// Continues from a checkpoint written by this trainer (same data): its weights, AdamW moments, step statistics and
    /// history. The statistics are stored as float32 (upstream's buffers), so once importance sampling is on, a resumed
    /// run's step draws can differ from a straight run's in the last bits; before that it repeats the straight run.
    /// </summary>
    public static SeedObjective Resume(string checkpointPath, TokenDataset dataset, string outputFolder, TextWriter? log = null)
    {
        var checkpoint = SeedCheckpoint.Load(checkpointPath);
        var trainer = new SeedObjective(checkpoint.Config, checkpoint.Options, dataset, outputFolder, log);
        try
        {
            StateDicts.Load(trainer._model, checkpoint.ModelTensors, checkpointPath);
            trainer._adam.LoadState(CheckpointStore.Under(checkpoint.Tensors, CheckpointStore.AdamPrefix), checkpoint.AdamSteps, checkpointPath);
            var (history, count) = checkpoint.SamplerState();
            trainer._sampler.Restore(history, count, checkpointPath);
            trainer._loop.Step = checkpoint.Step;
            trainer._loop.History.AddRange(checkpoint.History);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        trainer._log.WriteLine($"resumed {checkpointPath} at step {checkpoint.Step}/{checkpoint.Options.Steps}");
        return trainer;
    }

    /// <summary>The network being trained.</summary>
    public SeedDiffusionTransformer Model => _model;

    /// <summary>The objective (schedule and loss).</summary>
    public DiffusionObjective Objective => _objective;

    /// <summary>The timestep statistics (Lt_history, Lt_count).</summary>
    public TimestepSampler Sampler => _sampler;

    /// <summary>Utterances held out for validation.</summary>
    public IReadOnlyList<TokenUtterance> ValidationSet => _validation;

    /// <summary>Trains to <see cref="TrainingRunOptions.Steps"/> (or <paramref name="stopAfter"/>) and writes the checkpoint.</summary>
    public (StepRecord[] History, string CheckpointPath) Run(int? stopAfter = null)
    {
        _loop.Run(stopAfter);
        return (_loop.History.ToArray(), _loop.CheckpointPath);
    }

    /// <summary>The diffusion loss of step <paramref name="step"/>'s batch at importance-sampled steps t; the step statistics follow each update.</summary>
    public StepLoss<StepRecord> Loss(int step, double learningRate)
    {
        var random = new StepRandom(_options.Seed, StepRandom.Batch, step);
        var items = new TokenUtterance[_options.BatchSize];
        for (int i = 0; i < items.Length; i++)
        {
            long global = (long)step * _options.BatchSize + i;
            items[i] = _train[new StepRandom(_options.Seed, StepRandom.Order, global / _train.Length).Permutation(_train.Length)[global % _train.Length]];
        }
        var (t, p) = _sampler.Sample(items.Length, random);
        var loss = Loss(items, t, p, random);
        return new(loss.Total, update =>
        {
            _sampler.Record(t, loss.PerItem.detach().data<float>().ToArray());
            return new StepRecord(update.Step, loss.Total.item<float>(), update.LearningRate, update.GradNorm);
        });
    }

    /// <summary>The mean diffusion loss since the last line, the rate, the gradient norm, and whether t is importance-sampled yet.</summary>
    public string Progress(IReadOnlyList<StepRecord> sinceLastLine) => string.Create(CultureInfo.InvariantCulture,
        $"diffusion loss {sinceLastLine.Average(r => r.Loss):F4}  lr {sinceLastLine[^1].LearningRate:E2}  |g| {sinceLastLine[^1].GradNorm:F2}{(_sampler.Warm ? "  (importance-sampled t)" : "")}");

    /// <summary>Logs the held-out diffusion loss (<see cref="Evaluate"/>), when there is a held-out set.</summary>
    public void Validate(int step)
    {
        if (_validation.Length > 0) _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"validation diffusion loss {Evaluate(_validation):F4}"));
    }

    /// <summary>Writes the checkpoint: weights, AdamW moments and the step statistics.</summary>
    public void Save(string path, int step, IReadOnlyList<StepRecord> history) =>
        SeedCheckpoint.Save(path, _model, _adam, _sampler, _config, _options, step, history);

    private DiffusionLoss Loss(IReadOnlyList<TokenUtterance> items, long[] t, double[] p, StepRandom random)
    {
        var batch = SeedBatch.Build(items, _config, _options.SeedPromptFrames, _options.MaxFrames, random);
        Tensor steps = tensor(t);
        using var generator = new Generator(random.NextBits());
        Tensor noise = rand(new[] { batch.Targets.shape[0], _objective.Classes, batch.Targets.shape[1] }, generator: generator);
        Tensor xt = _objective.Corrupt(batch.Targets, steps, noise);
        Tensor logits = _model.forward(new SeedInputs(xt, batch.PromptSemantics, batch.TargetSemantics, batch.PromptAcoustics, batch.Padding, steps));
        return _objective.Loss(logits, batch.Targets, xt, steps, tensor(p.Select(v => (float)v).ToArray()), batch.PositionPadding);
    }

    /// <summary>
    /// Mean diffusion loss of the current weights over <paramref name="utterances"/> with fixed draws (each utterance
    /// alone, t = 0, 10, …, 90 uniformly weighted): comparable before and after training.
    /// </summary>
    public double Evaluate(IReadOnlyList<TokenUtterance> utterances)
    {
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            using var _ = no_grad();
            double sum = 0;
            int count = 0;
            for (int i = 0; i < utterances.Count; i++)
                for (long step = 0; step < _objective.Steps; step += 10, count++)
                {
                    using var scope = NewDisposeScope();
                    var random = new StepRandom(_options.Seed, StepRandom.Validation, i * 1000L + step);
                    sum += Loss([utterances[i]], [step], [1.0 / _objective.Steps], random).Total.item<float>();
                }
            return sum / Math.Max(1, count);
        }
        finally
        {
            if (wasTraining) _model.train();
        }
    }

    private static void LoadWeights(SeedDiffusionTransformer model, WeightSet weights)
    {
        using var _ = no_grad();
        foreach (var (name, target) in model.state_dict())
        {
            if (!weights.Contains(name))
                throw new WeightMismatchException($"{weights.Source}: missing tensor '{name}' (expected shape [{string.Join(", ", target.shape)}]).");
            var source = weights.Peek(name);
            if (!source.Shape.SequenceEqual(target.shape))
                throw new WeightMismatchException($"{weights.Source}: tensor '{name}' has shape [{string.Join(", ", source.Shape)}], expected [{string.Join(", ", target.shape)}].");
            using var value = tensor(source.Data, source.Shape).to_type(target.dtype);
            target.copy_(value);
        }
    }

    private static void CheckDataset(TokenDataset dataset, SeedModelConfig config) =>
        dataset.EnsureFits(config.Codebooks, config.CodebookSize, config.SemanticVocab);

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        _objective.Dispose();
        _model.Dispose();
    }
}
