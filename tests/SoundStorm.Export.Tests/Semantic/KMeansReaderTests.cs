using SoundStorm.Export.Tests.Checkpoints;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Export.Tests.Semantic;

/// <summary>
/// k-means centres from .npy and from scikit-learn models saved by joblib / pickle (fixtures made by
/// Semantic/Data/make_kmeans_fixtures.py with Debian's python3-sklearn from the reference centroids).
/// </summary>
public class KMeansReaderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Semantic", "Data", name);

    private static float[] ReferenceCentroids() => NpyFile.Read(HubertReference.File("kmeans_centroids.npy")).ToFloat32();

    [ReferenceTheory]
    [InlineData("kmeans_joblib.bin")]
    [InlineData("kmeans_pickle4.pkl")]
    public void Scikit_learn_kmeans_files_give_the_fitted_centres(string file)
    {
        var centroids = KMeansReader.Read(Fixture(file));
        Assert.Equal((32, 64), (centroids.Clusters, centroids.Dim));
        Assert.Equal(ReferenceCentroids(), centroids.Data);
    }

    [Fact]
    public void Compressed_minibatch_kmeans_gives_its_centres()
    {
        var centroids = KMeansReader.Read(Fixture("minibatch_joblib_zlib.bin"));
        Assert.Equal(NpyFile.Read(Fixture("minibatch_centers.npy")).ToFloat32(), centroids.Data);
    }

    [ReferenceFact]
    public void Npy_centroids_are_read_as_they_are()
    {
        var centroids = KMeansReader.Read(HubertReference.File("kmeans_centroids.npy"));
        Assert.Equal(ReferenceCentroids(), centroids.Data);
    }

    [Fact]
    public void A_pickle_that_names_code_is_refused()
    {
        // os.system("echo hi"): what a malicious "k-means" file would carry.
        byte[] bytes = new PickleBuilder().Proto(2).Global("os", "system").Op('(').Unicode("echo hi").Op('t').Op('R').Op('.').ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"evil-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, bytes);
        try
        {
            var e = Assert.Throws<UnsafeCheckpointException>(() => KMeansReader.Read(path));
            Assert.Equal("os.system", e.GlobalName);
            Assert.Contains(".npy", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Centroids_that_are_not_a_matrix_are_rejected()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vec-{Guid.NewGuid():N}.npy");
        NpyFile.Write(path, new NpyArray(new float[8], 8));
        try { Assert.Contains("expected [clusters, dim]", Assert.Throws<CheckpointFormatException>(() => KMeansReader.Read(path)).Message); }
        finally { File.Delete(path); }
    }
}
