using System.IO.Compression;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Semantic;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Export.Import;

/// <summary>
/// Reads k-means centres [K, D]: a <c>.npy</c> file (float32/float64), or a scikit-learn <c>KMeans</c> /
/// <c>MiniBatchKMeans</c> saved with joblib (plain or zlib/gzip-compressed) or pickle, from which only
/// <c>cluster_centers_</c> is taken. Pickles are read as data; one that names anything besides scikit-learn's
/// clustering classes and numpy/joblib array data is refused with <see cref="UnsafeCheckpointException"/>.
/// </summary>
public static class KMeansReader
{
    /// <summary>Reads the centres from <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">Unreadable, unsupported or without <c>cluster_centers_</c>.</exception>
    public static KMeansCentroids Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 6 && bytes[0] == 0x93 && bytes.AsSpan(1, 5).SequenceEqual("NUMPY"u8)) return FromNpy(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) bytes = Inflate(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress));
        else if (bytes.Length >= 2 && bytes[0] == 0x78 && (bytes[0] * 256 + bytes[1]) % 31 == 0) bytes = Inflate(new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress));
        if (bytes.Length == 0 || bytes[0] != 0x80)
            throw new CheckpointFormatException($"{path}: not a .npy file or a pickle/joblib dump (joblib's lz4/bz2/lzma/xz compression and pre-0.10 multi-file dumps are not supported).");

        using var stream = new MemoryStream(bytes, writable: false);
        var input = new PickleInput(stream, bytes.Length, path);
        object? root = PickleMachine.Load(input, new JoblibPickleResolver(input));
        var centers = root switch
        {
            PickledArray a => a,
            CheckpointObject { State: CheckpointDict state } when state.TryGetValue("cluster_centers_", out var c) && c is PickledArray a => a,
            CheckpointObject obj => throw new CheckpointFormatException($"{path}: the {obj.ClassName} object has no cluster_centers_ array (is it fitted?)."),
            _ => throw new CheckpointFormatException($"{path}: holds {PickleMachine.Describe(root)}, expected a k-means model or an array."),
        };
        return ToCentroids(centers.Data, centers.Shape, path);
    }

    private static KMeansCentroids FromNpy(string path)
    {
        var array = NpyFile.Read(path);
        return ToCentroids(array.ToFloat32().Select(v => (double)v).ToArray(), array.Shape.Select(d => (long)d).ToArray(), path);
    }

    private static KMeansCentroids ToCentroids(double[] data, long[] shape, string path)
    {
        if (shape.Length != 2 || shape[0] <= 0 || shape[1] <= 0)
            throw new CheckpointFormatException($"{path}: centroids have shape [{string.Join(", ", shape)}], expected [clusters, dim].");
        if (data.Any(v => !double.IsFinite(v))) throw new CheckpointFormatException($"{path}: centroids contain NaN or infinity.");
        return new KMeansCentroids(data.Select(v => (float)v).ToArray(), (int)shape[0], (int)shape[1]);
    }

    private static byte[] Inflate(Stream decompressor)
    {
        using (decompressor)
        {
            using var output = new MemoryStream();
            decompressor.CopyTo(output);
            return output.ToArray();
        }
    }
}
