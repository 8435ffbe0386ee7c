using SoundStorm.Export.Tests.Checkpoints;

namespace SoundStorm.Export.Tests.Hardening;

/// <summary>
/// Hostile torch zip archives: names that climb out of the archive (zip slip), sizes that lie, and zip bombs — a record
/// that claims more than deflate can produce, and central-directory entries that share one record's bytes.
/// </summary>
public sealed class TorchZipSecurityTests
{
    private static readonly float[] Values = [1f, 2f, 3f, 4f];

    /// <summary>A state dict {name: FloatTensor[4] on storage key} per (name, key) pair.</summary>
    private static byte[] StateDictPickle(params (string Name, string Key)[] tensors)
    {
        var p = new PickleBuilder().Proto(2).Op('}').Op('(');
        foreach (var (name, key) in tensors)
        {
            p.Unicode(name).Global("torch._utils", "_rebuild_tensor_v2").Op('(')
                .Op('(').Unicode("storage").Global("torch", "FloatStorage").Unicode(key).Unicode("cpu").Int(4).Op('t').Op('Q')
                .Int(0).Tuple(4).Tuple(1).Op(0x89).Op('N').Op('t').Op('R');
        }

        return p.Op('u').Op('.').ToArray();
    }

    private static byte[] FloatBytes(float[] values) => CheckpointTensor.FromFloat32("", [values.Length], values).Data.ToArray();

    private static object? Load(byte[] zip) => TorchCheckpoint.Load(new MemoryStream(zip, writable: false), "hostile.pth", TorchLoadOptions.Default);

    [Fact]
    public void Well_formed_raw_zip_loads()
    {
        // The baseline the hostile variants below depart from.
        byte[] zip = RawZip.Build(new("archive/data.pkl", StateDictPickle(("w", "0"))), new("archive/data/0", FloatBytes(Values)));
        var dict = Assert.IsType<CheckpointDict>(Load(zip));
        Assert.Equal(Values, Assert.IsType<CheckpointTensor>(dict["w"]).ToFloat32());
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\windows\\win.ini")]
    public void Storage_keys_are_archive_names_never_file_paths(string key)
    {
        // A storage key that looks like a path is only looked up among the archive's own records (and missing there).
        byte[] zip = RawZip.Build(new("archive/data.pkl", StateDictPickle(("w", key))), new("archive/data/0", FloatBytes(Values)));
        var error = Assert.Throws<CheckpointFormatException>(() => Load(zip));
        Assert.Contains($"storage record 'archive/data/{key}' is missing", error.Message);
    }

    [Fact]
    public void Record_names_that_climb_out_are_not_followed_anywhere()
    {
        // The reader never writes or opens files by record name, so "../" names are just names: the archive's own
        // records are used and nothing outside is touched.
        string outside = Path.Combine(Path.GetTempPath(), "data", "0");
        byte[] zip = RawZip.Build(new("../data.pkl", StateDictPickle(("w", "0"))), new("../data/0", FloatBytes([9f, 9f, 9f, 9f])));
        var dict = Assert.IsType<CheckpointDict>(Load(zip));
        Assert.Equal([9f, 9f, 9f, 9f], Assert.IsType<CheckpointTensor>(dict["w"]).ToFloat32());
        Assert.False(File.Exists(outside));
    }

    [Fact]
    public void Deflated_record_claiming_more_than_deflate_can_produce_is_refused_before_allocation()
    {
        byte[] zeros = new byte[64 << 10];
        byte[] zip = RawZip.Build(new("archive/data.pkl", StateDictPickle(("w", "0"))),
            new("archive/data/0", zeros, Deflate: true, DeclaredSize: 1u << 30));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CheckpointFormatException>(() => Load(zip));
        Assert.Contains("declares 1073741824 bytes from only", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
    }

    [Fact]
    public void Deflated_record_inflating_past_its_declared_size_is_refused()
    {
        byte[] zip = RawZip.Build(new("archive/data.pkl", StateDictPickle(("w", "0"))),
            new("archive/data/0", new byte[1 << 20], Deflate: true, DeclaredSize: 16));
        var error = Assert.Throws<CheckpointFormatException>(() => Load(zip));
        Assert.Contains("inflates to more than its declared 16 bytes", error.Message);
    }

    [Fact]
    public void Entries_sharing_one_record_s_bytes_are_refused()
    {
        // The overlapping-entry zip bomb: many names, one block of (deflated) data; every storage would inflate it again.
        byte[] block = new byte[256 << 10];
        var entries = new List<RawZip.Entry>
        {
            new("archive/data.pkl", StateDictPickle([.. Enumerable.Range(0, 40).Select(i => ($"w{i}", $"{i}"))])),
            new("archive/data/0", block, Deflate: true),
        };
        entries.AddRange(Enumerable.Range(1, 39).Select(i => new RawZip.Entry($"archive/data/{i}", block, Deflate: true, SharesDataOf: "archive/data/0")));
        byte[] zip = RawZip.Build([.. entries]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<CheckpointFormatException>(() => Load(zip));
        Assert.Contains("shares its bytes with other records", error.Message);
        // 40 x 256 KiB would be 10 MiB; the refusal comes after the second copy at the latest.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2 << 20);
    }
}
