using System.Globalization;
using SoundStorm.Export.Codec;
using SoundStorm.Export.Import;
using SoundStorm.Trainer.Codec.Adversarial;
using SoundStorm.Trainer.Codec.Training.Pitch;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec.Training;

/// <summary>
/// The objective of the shared <see cref="TrainingLoop{TRecord}"/> for this family, and its run (model, AdamW, loop, resume).
/// Trains a HiFi-Codec (encoder, group-residual VQ, generator) to reconstruct speech, on random crops of a
/// <see cref="WaveformCorpus"/>, with log-mel + multi-resolution STFT losses and the quantiser's own loss, and — with
/// <see cref="CodecTrainOptions.Adversarial"/> — HiFi-GAN's discriminators (their own AdamW, same schedule). Writes <c>checkpoint.safetensors</c> every
/// <see cref="TrainingRunOptions.CheckpointEvery"/> steps, at the end, and when the wall-time limit is reached; a run
/// resumed from it continues with identical losses.
/// </summary>
internal sealed class CodecObjective : ITrainingObjective<CodecStepRecord>, IDisposable
{
    /// <summary>Checkpoint file name inside the run folder.</summary>
    public const string CheckpointFile = "checkpoint.safetensors";

    private const ulong InitPurpose = 11, RestartPurpose = 12;

    private readonly HifiCodec _codec;
    private readonly CodecTrainOptions _options;
    private readonly WaveformCorpus _corpus;
    private readonly TextWriter _log;
    private readonly AdamW _adam;
    private readonly TrainingLoop<CodecStepRecord> _loop;
    private readonly SpectralLosses _losses;
    private readonly CodebookRestarts _restarts;
    private readonly CodecDiscriminator? _discriminator;
    private readonly AdamW? _discriminatorAdam;
    private readonly PitchHead? _pitchHead;
    private readonly FramePitch? _framePitch;
    private readonly float[] _crops;
    private bool _initialized; // codebooks already hold trained or data-drawn codewords

    /// <summary>A fresh run (weights seeded from <see cref="TrainingRunOptions.Seed"/>).</summary>
    public CodecObjective(HifiCodecConfig config, CodecTrainOptions options, WaveformCorpus corpus, string outputFolder, TextWriter? log = null)
    {
        _options = options.Validate();
        _corpus = corpus;
        _log = log ?? TextWriter.Null;
        _codec = new HifiCodec(config);
        SeededInit.Apply(_codec, options.Seed); // not the process-wide generator: other threads may draw from it
        var trained = options.DecoderOnly
            ? _codec.Generator.named_parameters().Select(p => ("generator." + p.name, (Tensor)p.parameter))
            : _codec.named_parameters().Select(p => (p.name, (Tensor)p.parameter));
        if (options.PitchWeight > 0)
        {
            _pitchHead = new PitchHead(config.LatentDim);
            SeededInit.Apply(_pitchHead, options.Seed + 2);
            _framePitch = new FramePitch(config.SamplingRate, config.Hop);
            trained = trained.Concat(_pitchHead.named_parameters().Select(p => (CodecCheckpoint.PitchHeadPrefix + p.name, (Tensor)p.parameter)));
        }
        _adam = new AdamW(trained.ToList(), beta1: 0.8, beta2: 0.99, weightDecay: 0);
        if (options.Adversarial)
        {
            _discriminator = new CodecDiscriminator(options.DiscriminatorWidth, options.ScaleDiscriminators);
            SeededInit.Apply(_discriminator, options.Seed + 1);
            _discriminatorAdam = new AdamW(_discriminator.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), beta1: 0.8, beta2: 0.99, weightDecay: 0);
        }
        _loop = new TrainingLoop<CodecStepRecord>(this, _adam, options.LearningRates(), options.Cadence(validateEvery: 0),
            Path.Combine(outputFolder, CheckpointFile), _log);
        _crops = new float[options.BatchSize * options.SegmentFrames * config.Hop];
        _losses = new SpectralLosses(config.SamplingRate);
        int minimum = _losses.MinimumSamples(withStft: options.StftWeight > 0);
        if (options.SegmentFrames * config.Hop < minimum)
            throw new ArgumentException($"--segment-frames {options.SegmentFrames} gives {options.SegmentFrames * config.Hop} samples per crop; " +
                $"the spectral losses need at least {minimum} (at least {(minimum + config.Hop - 1) / config.Hop} frames of hop {config.Hop}).");
        _restarts = new CodebookRestarts(_codec.Quantizer, config);
    }

    /// <summary>Continues from a checkpoint of this trainer (its configuration and options are used).</summary>
    public static CodecObjective Resume(string checkpointPath, WaveformCorpus corpus, string outputFolder, TextWriter? log = null) =>
        Resume(CodecCheckpoint.Load(checkpointPath), corpus, outputFolder, log);

    /// <summary>Continues from an already loaded checkpoint of this trainer.</summary>
    public static CodecObjective Resume(CodecCheckpoint checkpoint, WaveformCorpus corpus, string outputFolder, TextWriter? log = null)
    {
        string checkpointPath = checkpoint.Path;
        var trainer = new CodecObjective(checkpoint.Config, checkpoint.Options, corpus, outputFolder, log);
        StateDicts.Load(trainer._codec, checkpoint.Under(CodecCheckpoint.ModelPrefix), checkpointPath);
        trainer._adam.LoadState(checkpoint.Under(CodecCheckpoint.AdamPrefix), checkpoint.AdamSteps, checkpointPath);
        if (trainer._discriminator is not null)
        {
            StateDicts.Load(trainer._discriminator, checkpoint.Tensors, checkpointPath, CodecCheckpoint.DiscriminatorPrefix);
            trainer._discriminatorAdam!.LoadState(checkpoint.Under(CodecCheckpoint.DiscriminatorAdamPrefix), checkpoint.DiscriminatorAdamSteps, checkpointPath,
                CodecCheckpoint.DiscriminatorAdamPrefix);
        }
        if (trainer._pitchHead is not null) StateDicts.Load(trainer._pitchHead, checkpoint.Tensors, checkpointPath, CodecCheckpoint.PitchHeadPrefix);
        trainer._restarts.Usage = checkpoint.Usage;
        trainer._loop.Step = checkpoint.Step;
        trainer._loop.History.AddRange(checkpoint.History);
        trainer._log.WriteLine($"resumed {checkpointPath} at step {checkpoint.Step}/{checkpoint.Options.Steps}");
        return trainer;
    }

    /// <summary>
    /// A new run whose weights start from another run's checkpoint (e.g. a decoder-only run after a joint one: the
    /// codes stay those of the starting checkpoint). Optimiser state and step count start fresh. A
    /// <paramref name="generatorWidth"/> other than the checkpoint's starts a fresh generator of that width on the
    /// checkpoint's encoder and codebooks (decoder-only runs only, so the codes stay the ones a tokenised corpus holds).
    /// </summary>
    public static CodecObjective StartFrom(CodecCheckpoint checkpoint, CodecTrainOptions options, WaveformCorpus corpus, string outputFolder, TextWriter? log = null,
        int? generatorWidth = null)
    {
        string checkpointPath = checkpoint.Path;
        var config = checkpoint.Config;
        bool newGenerator = generatorWidth is { } width && width != config.UpsampleInitialChannel;
        if (newGenerator)
        {
            if (!options.DecoderOnly)
                throw new ArgumentException($"--width {generatorWidth} differs from the generator width {config.UpsampleInitialChannel} of {checkpointPath}: " +
                    "a generator of another width starts fresh, which only a --decoder-only run allows (the encoder and codebooks carry over).");
            config = config with { UpsampleInitialChannel = generatorWidth!.Value };
            config.Validate($"--width {generatorWidth}");
        }
        var trainer = new CodecObjective(config, options, corpus, outputFolder, log) { _initialized = true };
        var weights = checkpoint.Under(CodecCheckpoint.ModelPrefix);
        if (newGenerator)
        {
            StateDicts.Load(trainer._codec.Encoder, weights, checkpointPath, "encoder.");
            StateDicts.Load(trainer._codec.Quantizer, weights, checkpointPath, "quantizer.");
        }
        else StateDicts.Load(trainer._codec, weights, checkpointPath);
        // Discriminators carry over when the source run had the same ones (a new adversarial schedule); otherwise they start fresh.
        var source = checkpoint.Options;
        bool sameDiscriminators = source.Adversarial && source.DiscriminatorWidth == options.DiscriminatorWidth
            && source.ScaleDiscriminators == options.ScaleDiscriminators;
        if (trainer._discriminator is not null && sameDiscriminators)
            StateDicts.Load(trainer._discriminator, checkpoint.Tensors, checkpointPath, CodecCheckpoint.DiscriminatorPrefix);
        string discriminators = trainer._discriminator is null ? ""
            : sameDiscriminators ? "; discriminators from the same checkpoint"
            : source.Adversarial ? $"; fresh discriminators (the checkpoint's are width {source.DiscriminatorWidth} with {source.ScaleDiscriminators} scales, " +
                $"this run asks for width {options.DiscriminatorWidth} with {options.ScaleDiscriminators})"
            : "; fresh discriminators";
        bool samePitchHead = trainer._pitchHead is not null && checkpoint.Options.PitchWeight > 0 && !newGenerator;
        if (samePitchHead) StateDicts.Load(trainer._pitchHead!, checkpoint.Tensors, checkpointPath, CodecCheckpoint.PitchHeadPrefix);
        string pitch = trainer._pitchHead is null ? "" : samePitchHead ? "; pitch head from the same checkpoint" : "; fresh pitch head";
        string generator = newGenerator ? $"; fresh generator of width {config.UpsampleInitialChannel} (the checkpoint's: {checkpoint.Config.UpsampleInitialChannel})" : "";
        trainer._log.WriteLine($"weights from {checkpointPath} (step {checkpoint.Step}); new run of {options.Steps} steps{generator}{discriminators}{pitch}");
        return trainer;
    }

    /// <summary>The codec being trained.</summary>
    public HifiCodec Codec => _codec;

    /// <summary>Steps completed.</summary>
    public int Step => _loop.Step;

    /// <summary>Loss of every step so far.</summary>
    public IReadOnlyList<CodecStepRecord> History => _loop.History;

    /// <summary>
    /// Trains until <see cref="TrainingRunOptions.Steps"/>, <paramref name="stopAfter"/> steps, or the step during which
    /// <paramref name="timeLimit"/> passed (whichever comes first), then writes a checkpoint. Returns the steps completed.
    /// </summary>
    public int Train(int? stopAfter = null, TimeSpan? timeLimit = null)
    {
        _codec.train();
        _discriminator?.train();
        _pitchHead?.train();
        int segment = _options.SegmentFrames * _codec.Config.Hop;
        if (_loop.Step == 0 && !_initialized && !_options.DecoderOnly) InitializeCodebooks(segment);
        _loop.Run(stopAfter, timeLimit);
        return _loop.Step;
    }

    /// <summary>Writes the encoder/decoder graphs and package fragment of a checkpoint's weights into <paramref name="folder"/>.</summary>
    public static (HifiCodecImportResult Result, int Step) Export(CodecCheckpoint checkpoint, string folder)
    {
        using var codec = new HifiCodec(checkpoint.Config);
        StateDicts.Load(codec, checkpoint.Under(CodecCheckpoint.ModelPrefix), checkpoint.Path);
        return (HifiCodecImporter.Write(codec.ToWeightSet(), codec.Config, folder), checkpoint.Step);
    }

    /// <summary>Writes the encoder/decoder graphs and the package fragment of the current weights.</summary>
    public HifiCodecImportResult Export(string folder) => HifiCodecImporter.Write(_codec.ToWeightSet(), _codec.Config, folder);

    /// <summary>
    /// Spectral + quantiser (+ pitch, + adversarial) loss of step <paramref name="step"/>'s crops; with discriminators,
    /// they learn on the same crops first (HiFi-GAN's order). Codeword usage is counted, and dead codewords re-drawn,
    /// after each update.
    /// </summary>
    public StepLoss<CodecStepRecord> Loss(int step, double lr)
    {
        int segment = _options.SegmentFrames * _codec.Config.Hop;
        _corpus.Crops(new StepRandom(_options.Seed, StepRandom.Batch, step), _options.BatchSize, segment, _crops);
        var audio = tensor(_crops, new long[] { _options.BatchSize, 1, segment });
        GroupResidualQuantizer.Result q;
        Tensor vq;
        if (_options.DecoderOnly)
        {
            using (no_grad()) q = _codec.Quantizer.forward(_codec.Encoder.forward(audio));
            vq = zeros(1);
        }
        else
        {
            q = _codec.Quantizer.forward(_codec.Encoder.forward(audio));
            vq = q.Loss;
        }
        var reconstruction = _codec.Generator.forward(_options.DecoderOnly ? q.Quantized.detach() : q.Quantized);
        double discriminatorLoss = _discriminator is null ? 0 : DiscriminatorStep(audio, reconstruction, lr);

        var generated = reconstruction.squeeze(1);
        var target = audio.squeeze(1);
        // A term whose weight is 0 is not computed (the STFT loss is a large share of a CPU step).
        var mel = _options.MelWeight > 0 ? _losses.Mel(generated, target) : zeros(1);
        var stft = _options.StftWeight > 0 ? _losses.MultiResolutionStft(generated, target) : zeros(1);
        var loss = mel.mul(HeldScalars.Of(_options.MelWeight)) + stft.mul(HeldScalars.Of(_options.StftWeight)) + vq.mul(HeldScalars.Of(_options.VqWeight));
        Tensor pitch = zeros(1);
        if (_pitchHead is not null)
        {
            var (logF0, voiced) = _framePitch!.Estimate(target);
            pitch = PitchHead.Loss(_pitchHead.forward(q.Quantized), logF0, voiced);
            loss = loss + pitch.mul(HeldScalars.Of(_options.PitchWeight));
        }
        Tensor adversarial = zeros(1), featureMatching = zeros(1);
        if (_discriminator is not null)
        {
            IReadOnlyList<DiscriminatorOutput> real;
            using (no_grad()) real = _discriminator.forward(audio);
            var fake = _discriminator.forward(reconstruction);
            adversarial = AdversarialLosses.Generator(fake);
            featureMatching = AdversarialLosses.FeatureMatching(real, fake);
            loss = loss + adversarial.mul(HeldScalars.Of(_options.AdversarialWeight)) + featureMatching.mul(HeldScalars.Of(_options.FeatureMatchingWeight));
        }

        return new(loss, update =>
        {
            _restarts.Count(q.Codes);
            if (!_options.DecoderOnly && _options.RestartEvery > 0 && update.Step % _options.RestartEvery == 0)
                _restarts.Restart(q.LevelInputs, new StepRandom(_options.Seed, RestartPurpose, update.Step));
            return new CodecStepRecord(update.Step, loss.item<float>(), mel.item<float>(), stft.item<float>(), vq.item<float>(), update.LearningRate)
            {
                Pitch = pitch.item<float>(), Adversarial = adversarial.item<float>(), FeatureMatching = featureMatching.item<float>(), Discriminator = discriminatorLoss,
            };
        });
    }

    /// <summary>The last step's terms, the rate, and the share of codewords used in the last restart window.</summary>
    public string Progress(IReadOnlyList<CodecStepRecord> sinceLastLine)
    {
        var h = sinceLastLine[^1];
        return string.Create(CultureInfo.InvariantCulture,
            $"loss {h.Loss:F4}  mel {h.Mel:F4}  stft {h.Stft:F4}  vq {h.Vq:F4}{(_pitchHead is null ? "" : $"  pitch {h.Pitch:F4}")}{(_discriminator is null ? "" : $"  adv {h.Adversarial:F3}  fm {h.FeatureMatching:F3}  disc {h.Discriminator:F3}")}  lr {h.LearningRate:E2}{(_options.DecoderOnly ? "" : $"  codewords used {_restarts.LastUsedFraction:P0} (last restart window)")}");
    }

    // HiFi-GAN's order: the discriminators learn first on this batch's real and (detached) generated audio, then the
    // generator is judged by the updated discriminators.
    private double DiscriminatorStep(Tensor audio, Tensor reconstruction, double lr)
    {
        var loss = AdversarialLosses.Discriminator(_discriminator!.forward(audio), _discriminator.forward(reconstruction.detach()));
        _discriminatorAdam!.ZeroGrad();
        loss.backward();
        _discriminatorAdam.ClipGradNorm(_options.ClipNorm);
        _discriminatorAdam.Step(lr);
        return loss.item<float>();
    }

    // Codebooks start as latents of the data, level by level (each level sees the residual left by the ones before).
    private void InitializeCodebooks(int segment)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Enough crops that each codebook can start from distinct latents.
        int crops = Math.Max(_options.BatchSize, (2 * _codec.Config.CodebookSize + _options.SegmentFrames - 1) / _options.SegmentFrames);
        var audio = new float[crops * segment];
        _corpus.Crops(new StepRandom(_options.Seed, InitPurpose, 0), crops, segment, audio);
        var latent = _codec.Encoder.forward(tensor(audio, new long[] { crops, 1, segment }));
        for (int level = 0; level < _codec.Config.ResidualLevels; level++)
        {
            var q = _codec.Quantizer.forward(latent);
            _restarts.Initialize(level, q.LevelInputs[level], new StepRandom(_options.Seed, InitPurpose, level + 1));
        }
        _initialized = true;
    }

    /// <summary>Writes the checkpoint: weights, both AdamWs' moments, the pitch head and the codeword usage counts.</summary>
    public void Save(string path, int step, IReadOnlyList<CodecStepRecord> history) =>
        CodecCheckpoint.Save(path, _codec, _adam, _restarts, _codec.Config, _options, step, history,
            _discriminator is null ? null : (_discriminator, _discriminatorAdam!), _pitchHead);

    /// <inheritdoc/>
    public void Dispose()
    {
        _adam.Dispose();
        _discriminatorAdam?.Dispose();
        _discriminator?.Dispose();
        _pitchHead?.Dispose();
        _framePitch?.Dispose();
        _losses.Dispose();
        _codec.Dispose();
    }
}
