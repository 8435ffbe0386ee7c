using SoundStorm.Trainer.Semantic.Pretraining;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Semantic;

/// <summary>k-means recovers well-separated synthetic clusters.</summary>
public sealed class KMeansTests
{
    [Fact]
    public void Recovers_separable_clusters()
    {
        double[][] truth = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]];
        var random = new Random(7);
        const int perCluster = 300;
        var points = new float[truth.Length * perCluster * 3];
        var labels = new int[truth.Length * perCluster];
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i] = i % truth.Length;
            for (int d = 0; d < 3; d++) points[i * 3 + d] = (float)(truth[c][d] + (random.NextDouble() - 0.5));
        }
        using var x = tensor(points, [labels.Length, 3]);
        using var centres = KMeans.Fit(x, truth.Length, seed: 3, iterations: 50, seedingSample: 200);
        long[] assignment = KMeans.Assign(x, centres).data<long>().ToArray();
        float[] found = centres.data<float>().ToArray();
        foreach (var expected in truth)
        {
            double best = Enumerable.Range(0, truth.Length).Min(k =>
                Math.Sqrt(Enumerable.Range(0, 3).Sum(d => Math.Pow(found[k * 3 + d] - expected[d], 2))));
            Assert.True(best < 0.1, $"no centre near ({string.Join(", ", expected)}): nearest at {best:F3}");
        }
        // Same true cluster ⇔ same assigned centre.
        for (int i = 0; i < labels.Length; i++)
            Assert.Equal(assignment[labels[i]], assignment[i]);
        Assert.Equal(truth.Length, assignment.Distinct().Count());
    }

    [Fact]
    public void Fewer_points_than_clusters_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => KMeans.Fit(zeros(3, 2), 5, seed: 1));
        Assert.Contains("5 clusters", e.Message);
    }
}
