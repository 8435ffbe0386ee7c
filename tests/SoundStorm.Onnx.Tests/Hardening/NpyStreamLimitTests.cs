using System.Text;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Onnx.Tests.Hardening;

/// <summary>A .npy header's claims cost nothing until the bytes behind them arrive, even where the length is unknown.</summary>
public sealed class NpyStreamLimitTests
{
    private static byte[] Npy(string dict, int dataBytes)
    {
        string header = dict.PadRight(128 - 10 - 1) + "\n";
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. Encoding.ASCII.GetBytes(header), .. new byte[dataBytes]];
    }

    [Fact]
    public void Header_claiming_two_gigabytes_on_a_non_seekable_stream_allocates_only_what_arrives()
    {
        byte[] file = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (500000000,), }", dataBytes: 16);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new ForwardOnlyStream(file)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("needs 2000000000 bytes, 16 remain", error.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Non_seekable_stream_reads_one_array_and_leaves_the_next()
    {
        // Arrays written back to back: reading one must not consume the following one.
        using var both = new MemoryStream();
        NpyFile.Write(both, new NpyArray(new int[] { 1, 2, 3 }, 3));
        NpyFile.Write(both, new NpyArray(new double[] { 0.5 }, 1));
        var stream = new ForwardOnlyStream(both.ToArray());
        Assert.Equal([1, 2, 3], NpyFile.Read(stream).As<int>());
        Assert.Equal([0.5], NpyFile.Read(stream).As<double>());
    }
}
