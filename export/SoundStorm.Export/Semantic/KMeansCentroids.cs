namespace SoundStorm.Export.Semantic;

/// <summary>k-means cluster centres [K, D] (row-major) that turn feature frames into token ids.</summary>
public sealed record KMeansCentroids
{
    /// <summary>Wraps <paramref name="data"/> as <paramref name="clusters"/> × <paramref name="dim"/> centres.</summary>
    public KMeansCentroids(float[] data, int clusters, int dim)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (clusters <= 0 || dim <= 0 || (long)clusters * dim != data.Length)
            throw new ArgumentException($"k-means centroids: {data.Length} values do not form [{clusters}, {dim}].");
        Data = data;
        Clusters = clusters;
        Dim = dim;
    }

    /// <summary>Centres, row-major [K, D].</summary>
    public float[] Data { get; }

    /// <summary>K, the number of clusters (= token vocabulary).</summary>
    public int Clusters { get; }

    /// <summary>D, the feature width.</summary>
    public int Dim { get; }
}
