using SoundStorm.Export.NumPy;
using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary>Reads and writes token arrays as <c>.npy</c>: semantic tokens [T] and codec codes [T, Q], int64 on disk.</summary>
internal static class TokenFiles
{
    /// <summary>A 1-D integer array [T] given as <paramref name="option"/>.</summary>
    /// <exception cref="CliException">Missing, not integers, or not 1-D.</exception>
    public static long[] ReadVector(string path, string option)
    {
        var array = ReadIntegers(path, option);
        if (array.Shape.Count != 1) throw new CliException($"{option} '{Path.GetFileName(path)}': expected a 1-D array [T], found shape ({string.Join(", ", array.Shape)}).");
        return array.ToInt64();
    }

    /// <summary>A 2-D integer array [T, Q] given as <paramref name="option"/>.</summary>
    /// <exception cref="CliException">Missing, not integers, or not 2-D.</exception>
    public static CodeGrid ReadGrid(string path, string option)
    {
        var array = ReadIntegers(path, option);
        if (array.Shape.Count != 2 || array.Shape[1] == 0)
            throw new CliException($"{option} '{Path.GetFileName(path)}': expected shape [T, Q] with Q ≥ 1, found ({string.Join(", ", array.Shape)}).");
        return new CodeGrid(array.ToInt64(), array.Shape[1]);
    }

    /// <summary>Writes codes [T, Q] as int64.</summary>
    public static void WriteGrid(string path, CodeGrid grid) =>
        NpyFile.Write(path, new NpyArray(grid.AsSpan().ToArray(), grid.Frames, grid.Codebooks));

    // Tokens are ids: a float file is a mistake (often logits or audio given by accident), not something to round.
    private static NpyArray ReadIntegers(string path, string option)
    {
        var array = NpyFile.Read(InputFiles.Require(path, option));
        if (array.Data is float[] or double[] or Half[] or bool[])
            throw new CliException($"{option} '{Path.GetFileName(path)}': expected integer token ids, found {array.ElementType} elements.");
        return array;
    }
}
