namespace SoundStorm.Trainer.Codec.Training;

/// <summary>Settings of a <c>train-codec</c> run; stored in every checkpoint so a resume continues the same run.</summary>
internal sealed record CodecTrainOptions
{
    /// <summary>Total optimiser steps (the learning-rate schedule spans them).</summary>
    public int Steps { get; init; } = 20000;

    /// <summary>Random crops per batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Crop length in code frames (samples = frames · hop).</summary>
    public int SegmentFrames { get; init; } = 30;

    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Learning rate at the end of the cosine decay.</summary>
    public double MinLearningRate { get; init; } = 1e-4;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 200;

    /// <summary>Global gradient-norm limit (0 = off).</summary>
    public double ClipNorm { get; init; } = 10;

    /// <summary>Weight of the log-mel L1 loss.</summary>
    public double MelWeight { get; init; } = 1.0;

    /// <summary>Weight of the multi-resolution STFT loss (spectral convergence + log magnitude).</summary>
    public double StftWeight { get; init; } = 1.0;

    /// <summary>Weight of the quantiser's codebook + commitment loss.</summary>
    public double VqWeight { get; init; } = 1.0;

    /// <summary>Every this many steps, codewords no crop used since the last check are re-drawn from the latents (0 = never).</summary>
    public int RestartEvery { get; init; } = 100;

    /// <summary>Train the decoder only: encoder and codebooks frozen, so the codes of the corpus stay fixed.</summary>
    public bool DecoderOnly { get; init; }

    /// <summary>Seed of initialisation, crops and codeword restarts.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Checkpoint interval in steps (a checkpoint is also written at the end and when time runs out).</summary>
    public int CheckpointEvery { get; init; } = 250;

    /// <summary>Progress line interval in steps.</summary>
    public int LogEvery { get; init; } = 25;

    /// <summary>Checks the numbers; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public CodecTrainOptions Validate()
    {
        static void Positive(double value, string name)
        {
            if (!(value > 0)) throw new ArgumentException($"{name} must be positive (found {value}).");
        }
        Positive(Steps, "--steps");
        Positive(BatchSize, "--batch-size");
        Positive(SegmentFrames, "--segment-frames");
        Positive(LearningRate, "--lr");
        Positive(CheckpointEvery, "--checkpoint-every");
        Positive(LogEvery, "--log-every");
        if (MinLearningRate < 0 || WarmupSteps < 0 || ClipNorm < 0 || RestartEvery < 0 || MelWeight < 0 || StftWeight < 0 || VqWeight < 0)
            throw new ArgumentException("--min-lr, --warmup, --clip, --restart-every and the loss weights must not be negative.");
        return this;
    }
}
