using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Support;

/// <summary>Minimal .npy reader for test fixtures: little-endian f4/f8/i8/b1, C order.</summary>
internal sealed partial class Npy
{
    private Npy(string descr, long[] shape, byte[] data) { Descr = descr; Shape = shape; Data = data; }

    public string Descr { get; }
    public long[] Shape { get; }
    public byte[] Data { get; }
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public static Npy Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : (int)BitConverter.ToUInt32(bytes, 8);
        int headerStart = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        string descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{path}: Fortran order not supported");
        long[] shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        int start = headerStart + headerLength;
        return new Npy(descr, shape, bytes[start..]);
    }

    public float[] Floats()
    {
        if (Descr != "<f4") throw new InvalidDataException($"expected <f4, found {Descr}");
        var result = new float[Count];
        Buffer.BlockCopy(Data, 0, result, 0, result.Length * 4);
        return result;
    }

    public long[] Longs()
    {
        if (Descr != "<i8") throw new InvalidDataException($"expected <i8, found {Descr}");
        var result = new long[Count];
        Buffer.BlockCopy(Data, 0, result, 0, result.Length * 8);
        return result;
    }

    public bool[] Bools()
    {
        if (Descr != "|b1") throw new InvalidDataException($"expected |b1, found {Descr}");
        return Data.Take((int)Count).Select(b => b != 0).ToArray();
    }

    /// <summary>The array as a tensor of its own dtype.</summary>
    public Tensor ToTensor() => Descr switch
    {
        "<f4" => tensor(Floats(), Shape),
        "<i8" => tensor(Longs(), Shape),
        "|b1" => tensor(Bools(), Shape),
        _ => throw new InvalidDataException($"dtype {Descr} not supported"),
    };

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
