using System.Numerics.Tensors;
using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// The diffusion step that redraws every generated position of a request from its posterior (the skip-step sampler's
/// every step, and both samplers' last), spread over the cores. The random stream stays the one a single thread would
/// read: each block's uniforms are drawn first, position by position and class by class, then the positions —
/// independent of each other once their uniforms are known — are worked in parallel, so tokens do not depend on the
/// number of threads. The network is idle meanwhile, so the cores are free.
/// </summary>
internal sealed class PositionRedraw
{
    // Positions whose uniforms are drawn at a time: 256 × 1,027 classes is 2 MB of doubles.
    private const int BlockPositions = 256;

    private readonly int _classes; // C: network classes; rows have C + 1 entries with the mask
    private readonly double[] _uniforms;
    private readonly Worker[] _workers;

    public PositionRedraw(int classes, int threads)
    {
        _classes = classes;
        _uniforms = new double[BlockPositions * (classes + 1)];
        _workers = [.. Enumerable.Range(0, Math.Max(1, threads)).Select(_ => new Worker(classes + 1))];
    }

    /// <summary>Threads the positions are spread over.</summary>
    public int Threads => _workers.Length;

    /// <summary>
    /// Redraws request <paramref name="b"/>'s generated positions from log p(x_{t−1} | x_t) over the first
    /// <paramref name="allowed"/> classes, in place in <paramref name="tokens"/>.
    /// </summary>
    public unsafe void Run(BatchLayout layout, int b, int t, int allowed, DiffusionSchedule schedule, float truncation,
        Span<long> tokens, ReadOnlySpan<float> logits, ref Xoshiro256StarStar rng)
    {
        int codebooks = layout.Codebooks, first = layout.PromptFrames[b], positions = layout.GeneratedFrames[b] * codebooks;
        int start = layout.Index(b, first, 0); // a request's generated positions are contiguous in the grid
        fixed (long* tokenBase = tokens)
        fixed (float* logitBase = logits)
        {
            nint tokenAddress = (nint)(tokenBase + start), logitAddress = (nint)(logitBase + (long)start * _classes);
            for (int block = 0; block < positions; block += BlockPositions)
            {
                int count = Math.Min(BlockPositions, positions - block);
                Span<double> uniforms = _uniforms.AsSpan(0, count * allowed);
                rng.FillOpenUnit(uniforms);
                var job = new Block(this, schedule, truncation, t, allowed, tokenAddress + block * sizeof(long),
                    logitAddress + (nint)block * _classes * sizeof(float), count);
                if (_workers.Length == 1 || count < 2 * _workers.Length) job.Work(0);
                else Parallel.For(0, _workers.Length, job.Work);
            }
        }
    }

    // One block of positions, split among the workers by position index modulo the worker count.
    private sealed class Block(PositionRedraw owner, DiffusionSchedule schedule, float truncation, int t, int allowed,
        nint tokens, nint logits, int count)
    {
        public unsafe void Work(int workerIndex)
        {
            var worker = owner._workers[workerIndex];
            int classes = owner._classes, workers = owner._workers.Length;
            for (int i = workerIndex; i < count; i += workers)
            {
                var row = new ReadOnlySpan<float>((float*)logits + (long)i * classes, classes);
                ref long token = ref ((long*)tokens)[i];
                DiffusionPosterior.LogX0(row, worker.LogX0, worker.Rows);
                DiffusionPosterior.TruncateTopR(worker.LogX0, truncation, worker.Rows);
                DiffusionPosterior.Posterior(schedule, worker.LogX0, (int)token, t, worker.Posterior, worker.Rows, worker.Rows.Probabilities);
                token = GumbelMax(worker.Posterior, owner._uniforms.AsSpan(i * allowed, allowed));
            }
        }
    }

    /// <summary>
    /// Gumbel-max draw over the classes of a log-probability row, given one uniform per class (consumed: the span
    /// is overwritten with the noise); ties go to the lower class.
    /// </summary>
    public static int GumbelMax(ReadOnlySpan<float> logProbabilities, Span<double> uniforms)
    {
        TensorPrimitives.Log(uniforms, uniforms);
        TensorPrimitives.Negate(uniforms, uniforms);
        TensorPrimitives.Log(uniforms, uniforms); // log(−log u) = −Gumbel
        return RowKernels.ArgMaxOfDifference(logProbabilities, uniforms); // the first of equal maxima
    }

    private sealed class Worker(int length)
    {
        public float[] LogX0 { get; } = new float[length];

        public float[] Posterior { get; } = new float[length];

        public PosteriorScratch Rows { get; } = new(length);
    }
}
