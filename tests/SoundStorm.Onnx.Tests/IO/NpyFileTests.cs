using System.Buffers.Binary;
using System.Text;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Onnx.Tests.IO;

public class NpyFileTests
{
    public static TheoryData<NpyArray> EveryElementType => new()
    {
        new NpyArray(new[] { (Half)1.5f, (Half)(-2f), Half.MaxValue }, 3),
        new NpyArray(new[] { 1.5f, -2.25f, float.MaxValue, float.Epsilon, 0f, 7f }, 2, 3),
        new NpyArray(new[] { Math.PI, -1e300 }, 2, 1),
        new NpyArray(new sbyte[] { -128, 127 }, 2),
        new NpyArray(new short[] { -32768, 32767, 5 }, 3),
        new NpyArray(new[] { int.MinValue, int.MaxValue }, 1, 2),
        new NpyArray(new[] { long.MinValue, long.MaxValue, 1025 }, 3),
        new NpyArray(new byte[] { 0, 255 }, 2),
        new NpyArray(new ushort[] { 65535 }, 1),
        new NpyArray(new uint[] { uint.MaxValue, 3 }, 2),
        new NpyArray(new ulong[] { ulong.MaxValue }, 1),
        new NpyArray(new[] { true, false, true, true }, 2, 2),
        new NpyArray(new[] { 42L }),
        new NpyArray(Array.Empty<float>(), 0, 3),
    };

    [Theory]
    [MemberData(nameof(EveryElementType))]
    public void Round_trip_keeps_type_shape_and_values(NpyArray original)
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, original);
        Assert.Equal(0, (stream.Length - original.Length * ElementSize(original.ElementType)) % 64);
        stream.Position = 0;
        var back = NpyFile.Read(stream);
        Assert.Equal(original.ElementType, back.ElementType);
        Assert.Equal(original.Shape, back.Shape);
        Assert.Equal(original.Data, back.Data);
    }

    [ReferenceFact]
    public void Reads_reference_mask_that_agrees_with_reference_tokens()
    {
        // README: x_mask = (target_acoustics[:, 0, :] == 1025).
        var mask = NpyFile.Read(TestPaths.ReferenceFile("soundstorm-s2", "x_mask.npy"));
        var tokens = NpyFile.Read(TestPaths.ReferenceFile("soundstorm-s2", "target_acoustics.npy"));
        Assert.Equal(NpyElementType.Bool, mask.ElementType);
        Assert.Equal([2, 16], mask.Shape);
        Assert.Equal(NpyElementType.Int64, tokens.ElementType);
        Assert.Equal([2, 4, 16], tokens.Shape);
        bool[] m = mask.As<bool>();
        long[] t = tokens.As<long>();
        for (int b = 0; b < 2; b++)
            for (int f = 0; f < 16; f++)
                Assert.Equal(t[b * 64 + f] == 1025, m[b * 16 + f]);
        Assert.Contains(true, m);
        Assert.Contains(false, m);
    }

    [ReferenceFact]
    public void Reads_reference_logits_whose_log_softmax_is_the_reference_log_x0()
    {
        var logits = NpyFile.Read(TestPaths.ReferenceFile("soundstorm-s2", "logits.npy")).ToFloat32();
        var logX0 = NpyFile.Read(TestPaths.ReferenceFile("soundstorm-s2", "log_x0_recon.npy"));
        Assert.Equal([2, 1027, 64], logX0.Shape);
        float[] expected = logX0.ToFloat32();
        const int classes = 1026, positions = 64;
        for (int b = 0; b < 2; b++)
        {
            for (int p = 0; p < positions; p++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int c = 0; c < classes; c++) max = Math.Max(max, logits[(b * classes + c) * positions + p]);
                for (int c = 0; c < classes; c++) sum += Math.Exp(logits[(b * classes + c) * positions + p] - max);
                for (int c = 0; c < classes; c++)
                {
                    double logSoftmax = Math.Clamp(logits[(b * classes + c) * positions + p] - max - Math.Log(sum), -70, 0);
                    Assert.Equal(logSoftmax, expected[(b * 1027 + c) * positions + p], 1e-4);
                }
                Assert.Equal(-70f, expected[(b * 1027 + 1026) * positions + p]);
            }
        }
    }

    [ReferenceFact]
    public void Reads_reference_codec_latents_whose_levels_sum_to_the_whole()
    {
        float[] whole = NpyFile.Read(TestPaths.ReferenceFile("hificodec", "dequantized.npy")).ToFloat32();
        float[] level0 = NpyFile.Read(TestPaths.ReferenceFile("hificodec", "dequantized_level0.npy")).ToFloat32();
        float[] level1 = NpyFile.Read(TestPaths.ReferenceFile("hificodec", "dequantized_level1.npy")).ToFloat32();
        Assert.Equal(512 * 50, whole.Length);
        for (int i = 0; i < whole.Length; i++)
            Assert.Equal(whole[i], level0[i] + level1[i], 1e-5);
    }

    [Fact]
    public void Reads_big_endian_data()
    {
        byte[] data = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(data, 1);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), -2);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), 70000);
        var array = NpyFile.Read(Build(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }", data));
        Assert.Equal([1, -2, 70000], array.As<int>());
    }

    [Fact]
    public void Reads_big_endian_doubles_and_converts_to_float32()
    {
        byte[] data = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(data, 0.5);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), -3.25);
        var array = NpyFile.Read(Build(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1, 2), }", data));
        Assert.Equal([0.5f, -3.25f], array.ToFloat32());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_version_2_and_3_headers(byte major)
    {
        byte[] data = [1, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255];
        var array = NpyFile.Read(Build(major, "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (2,)}", data));
        Assert.Equal([1L, -1L], array.As<long>());
    }

    [Fact]
    public void Refuses_fortran_order_naming_the_fix()
    {
        var e = Assert.Throws<NpyFormatException>(() =>
            NpyFile.Read(Build(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", new byte[4])));
        Assert.Contains("Fortran", e.Message);
        Assert.Contains("ascontiguousarray", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "dtype '<c8'")]
    [InlineData("{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }", "dtype '<U4'")]
    [InlineData("{'fortran_order': False, 'shape': (1,), }", "lacks 'descr'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "shape dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", "Unexpected key 'x'")]
    [InlineData("{'descr': '<f4' 'fortran_order': False}", "expected '}'")]
    public void Refuses_bad_headers_with_a_message_naming_the_field(string header, string expected)
    {
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(Build(1, header, new byte[64])));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Refuses_truncated_data_before_allocating()
    {
        var e = Assert.Throws<NpyFormatException>(() =>
            NpyFile.Read(Build(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (10000, 10000), }", new byte[8])));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Refuses_element_counts_beyond_a_dotnet_array()
    {
        var e = Assert.Throws<NpyFormatException>(() =>
            NpyFile.Read(Build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2000000000, 2000000000), }", [])));
        Assert.Contains("more elements", e.Message);
    }

    [Fact]
    public void Refuses_huge_header_length_before_allocating()
    {
        var bytes = new byte[12];
        Encoding.Latin1.GetBytes("\u0093NUMPY").CopyTo(bytes, 0);
        bytes[6] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(bytes)));
        Assert.Contains("header claims", e.Message);
    }

    [Fact]
    public void Refuses_other_files_and_versions()
    {
        Assert.Contains("magic", Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream("PK\u0003\u0004xxxxxxxx"u8.ToArray()))).Message);
        var v9 = Build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]).ToArray();
        v9[6] = 9;
        Assert.Contains("version 9", Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(v9))).Message);
        Assert.Contains("ends early", Assert.Throws<NpyFormatException>(() => NpyFile.Read(new MemoryStream(v9[..7]))).Message);
    }

    [Fact]
    public void Refuses_bool_bytes_other_than_0_and_1()
    {
        var e = Assert.Throws<NpyFormatException>(() =>
            NpyFile.Read(Build(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", [1, 7])));
        Assert.Contains("byte 7", e.Message);
    }

    [Fact]
    public void Int64_conversion_refuses_fractions()
    {
        var array = new NpyArray(new[] { 1f, 2.5f }, 2);
        Assert.Throws<InvalidCastException>(() => array.ToInt64());
        Assert.Equal([3L, -4L], new NpyArray(new[] { 3.0, -4.0 }, 2).ToInt64());
    }

    [Fact]
    public void File_path_is_named_in_errors()
    {
        string dir = TestPaths.NewTempDirectory();
        string path = Path.Combine(dir, "broken.npy");
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
        Assert.Contains("broken.npy", e.Message);
    }

    /// <summary>Builds .npy bytes by hand (independently of <see cref="NpyFile.Write(Stream, NpyArray)"/>).</summary>
    private static MemoryStream Build(byte major, string header, byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write(Encoding.Latin1.GetBytes("\u0093NUMPY"));
        ms.WriteByte(major);
        ms.WriteByte(0);
        byte[] headerBytes = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header + "\n");
        if (major == 1) ms.Write(BitConverter.GetBytes((ushort)headerBytes.Length));
        else ms.Write(BitConverter.GetBytes((uint)headerBytes.Length));
        ms.Write(headerBytes);
        ms.Write(data);
        ms.Position = 0;
        return ms;
    }

    private static int ElementSize(NpyElementType type) => type switch
    {
        NpyElementType.Int8 or NpyElementType.UInt8 or NpyElementType.Bool => 1,
        NpyElementType.Float16 or NpyElementType.Int16 or NpyElementType.UInt16 => 2,
        NpyElementType.Float32 or NpyElementType.Int32 or NpyElementType.UInt32 => 4,
        _ => 8,
    };
}
