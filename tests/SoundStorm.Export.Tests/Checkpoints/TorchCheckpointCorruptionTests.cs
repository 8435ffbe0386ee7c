namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>Truncated, mutated and random files must fail with <see cref="CheckpointFormatException"/>, never anything else.</summary>
public sealed class TorchCheckpointCorruptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("torch-corruption").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [ReferenceTheory]
    [InlineData("state_dict_variants.pth", 11)]
    [InlineData("nested_checkpoint.pth", 11)]
    [InlineData("legacy_format.pth", 1)]
    public void TruncatedFilesFailWithAFormatError(string file, int step)
    {
        byte[] full = File.ReadAllBytes(ReferencePaths.Get("torch-pickle", file));
        string path = Path.Combine(_dir, file);

        for (int length = 0; length < full.Length; length += length > full.Length - 100 ? 1 : step)
        {
            File.WriteAllBytes(path, full[..length]);
            Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        }
    }

    [ReferenceFact]
    public void EveryTruncationOfThePickleInsideAValidZipFailsWithAFormatError()
    {
        string reference = ReferencePaths.Get("torch-pickle", "nested_checkpoint.pth");
        byte[] pickle = TorchZipTestFiles.ReadRecord(reference, "nested_checkpoint/data.pkl");
        string path = Path.Combine(_dir, "cut.pth");

        for (int length = 0; length < pickle.Length; length++)
        {
            TorchZipTestFiles.Rewrite(reference, path, "nested_checkpoint/data.pkl", pickle[..length]);
            Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        }
    }

    [ReferenceFact]
    public void TruncatedLargeCheckpointFailsWithAFormatError()
    {
        byte[] full = File.ReadAllBytes(ReferencePaths.Get("soundstorm-s2", "last.pth"));
        string path = Path.Combine(_dir, "last.pth");
        File.WriteAllBytes(path, full[..(full.Length / 2)]);

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        Assert.Contains(path, error.Message);
    }

    [ReferenceTheory]
    [InlineData("state_dict_variants.pth")]
    [InlineData("nested_checkpoint.pth")]
    [InlineData("legacy_format.pth")]
    public void MutatedBytesEitherLoadOrFailWithAFormatError(string file)
    {
        byte[] original = File.ReadAllBytes(ReferencePaths.Get("torch-pickle", file));
        string path = Path.Combine(_dir, file);
        var random = new Random(1234);
        int failures = 0;

        for (int trial = 0; trial < 400; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(path, bytes);
            try
            {
                TorchCheckpoint.Load(path);
            }
            catch (CheckpointFormatException)
            {
                failures++;
            }
        }

        Assert.InRange(failures, 1, 400); // some mutations (e.g. inside tensor data) legitimately still load
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void RandomBytesAreRejected(int seed)
    {
        var random = new Random(seed);
        byte[] bytes = new byte[4096];
        random.NextBytes(bytes);
        if (seed == 1) "PK\u0003\u0004"u8.CopyTo(bytes); // looks like a zip, is not one
        if (seed == 2) bytes[0] = 0x80; // starts like a pickle
        string path = Path.Combine(_dir, "random.pth");
        File.WriteAllBytes(path, bytes);

        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
    }

    [Fact]
    public void EmptyFileIsRejected()
    {
        string path = Path.Combine(_dir, "empty.pth");
        File.WriteAllBytes(path, []);

        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
    }
}
