using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>
/// Euclidean k-means in TorchSharp: k-means++ seeding on a random subsample, then Lloyd iterations over all points
/// until no assignment changes or the iteration limit. An emptied cluster is re-seeded with the point farthest from
/// its centre. Deterministic for a seed (its own generator, not the process-wide one).
/// </summary>
internal static class KMeans
{
    private const int Chunk = 8192; // rows per distance block, bounds memory at Chunk × K floats

    /// <summary>Fits <paramref name="clusters"/> centres (K, D) to <paramref name="points"/> (N, D), N ≥ K.</summary>
    public static Tensor Fit(Tensor points, int clusters, long seed, int iterations = 20, int seedingSample = 20000, TextWriter? log = null)
    {
        if (points.dim() != 2) throw new ArgumentException($"k-means needs (points, dims); got shape [{string.Join(", ", points.shape)}].");
        long n = points.shape[0];
        if (clusters < 1 || n < clusters) throw new ArgumentException($"k-means: {clusters} clusters need at least as many points; got {n}.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed); // held until the end: see SeededInit
        Tensor x = points.to_type(ScalarType.Float32).contiguous();
        Tensor sample = n > seedingSample ? x.index_select(0, randperm(n, generator: generator)[..seedingSample]) : x;
        Tensor centres = PlusPlus(sample, clusters, generator);
        Tensor? previous = null;
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            using var step = NewDisposeScope(); // each iteration's temporaries are freed before the next
            var (assignment, distance) = Nearest(x, centres);
            long changed = previous is null ? n : assignment.ne(previous).sum().item<long>();
            log?.WriteLine($"k-means iteration {iteration + 1}: mean squared distance {distance.mean().item<float>():G5}, {changed} assignments changed");
            if (changed == 0) break;
            Tensor sums = zeros(clusters, x.shape[1]).index_add_(0, assignment, x, 1);
            Tensor counts = zeros(clusters).index_add_(0, assignment, ones(n), 1);
            Tensor updated = sums / counts.clamp_min(1).unsqueeze(1);
            Tensor empty = counts.eq(0);
            if (empty.any().item<bool>())
            {
                // Re-seed each empty cluster with one of the currently worst-served points.
                long[] emptyIds = empty.nonzero().view(-1).data<long>().ToArray();
                Tensor far = distance.topk(emptyIds.Length).indexes;
                updated.index_copy_(0, tensor(emptyIds), x.index_select(0, far));
            }
            previous?.Dispose();
            previous = assignment.MoveToOuterDisposeScope();
            centres = updated.MoveToOuterDisposeScope();
        }
        return centres.MoveToOuterDisposeScope();
    }

    /// <summary>Index of the nearest centre for each row of <paramref name="points"/> (N, D) → (N) int64.</summary>
    public static Tensor Assign(Tensor points, Tensor centres)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return Nearest(points.to_type(ScalarType.Float32), centres).Assignment.MoveToOuterDisposeScope();
    }

    private static (Tensor Assignment, Tensor Distance) Nearest(Tensor x, Tensor centres)
    {
        Tensor centreNorms = centres.square().sum(1);
        var ids = new List<Tensor>();
        var distances = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += Chunk)
        {
            using var chunk = NewDisposeScope();
            Tensor block = x.narrow(0, start, Math.Min(Chunk, x.shape[0] - start));
            Tensor d = block.square().sum(1, keepdim: true) - 2 * block.matmul(centres.t()) + centreNorms;
            var (values, indexes) = d.min(1);
            ids.Add(indexes.MoveToOuterDisposeScope());
            distances.Add(values.clamp_min(0).MoveToOuterDisposeScope());
        }
        return (cat(ids, 0), cat(distances, 0));
    }

    /// <summary>k-means++: the first centre uniformly, each next with probability ∝ squared distance to the nearest chosen one.</summary>
    private static Tensor PlusPlus(Tensor x, int clusters, Generator generator)
    {
        long n = x.shape[0];
        var chosen = new List<long> { randint(n, [1], generator: generator).item<long>() };
        Tensor best = (x - x[chosen[0]]).square().sum(1);
        for (int k = 1; k < clusters; k++)
        {
            using var step = NewDisposeScope();
            double total = best.sum().item<float>();
            long next = total > 0 ? multinomial(best / total, 1, generator: generator).item<long>()
                : randint(n, [1], generator: generator).item<long>(); // all points coincide with centres
            chosen.Add(next);
            Tensor updated = minimum(best, (x - x[next]).square().sum(1)).MoveToOuterDisposeScope();
            best.Dispose();
            best = updated;
        }
        return x.index_select(0, tensor(chosen.ToArray())).clone();
    }
}
