using System.Buffers.Binary;
using System.Text;

namespace SoundStorm.Export.Tests.Checkpoints;

public sealed class SafeTensorsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safetensors-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RoundTripKeepsNamesOrderDTypesShapesBytesAndMetadata()
    {
        var random = new Random(7);
        CheckpointTensor[] tensors =
        [
            CheckpointTensor.FromFloat32("z.weight", [2, 3], [1.5f, -2f, 0f, float.MaxValue, float.Epsilon, -0f]),
            CheckpointTensor.FromInt64("a.ids", [4], [long.MinValue, -1, 0, long.MaxValue]),
            new("half", CheckpointDType.F16, [3], RandomBytes(random, 6)),
            new("bf", CheckpointDType.BF16, [1, 2], RandomBytes(random, 4)),
            new("i32", CheckpointDType.I32, [2], RandomBytes(random, 8)),
            new("f64", CheckpointDType.F64, [], RandomBytes(random, 8)),
            new("flags", CheckpointDType.Bool, [3], new byte[] { 1, 0, 1 }),
            new("empty", CheckpointDType.F32, [0, 5], ReadOnlyMemory<byte>.Empty),
        ];
        string path = Path.Combine(_dir, "model.safetensors");

        SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünï" });
        SafeTensorsContent read = SafeTensorsFile.Read(path);

        Assert.Equal(tensors.Select(t => t.Name), read.Tensors.Select(t => t.Name));
        foreach (CheckpointTensor expected in tensors)
        {
            CheckpointTensor actual = read[expected.Name];
            Assert.Equal(expected.DType, actual.DType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        }

        Assert.Equal("ünï", read.Metadata["note"]);
        Assert.Equal(read.Metadata, SafeTensorsFile.ReadMetadata(path)); // the header alone gives the same strings
        Assert.Equal(0, (new FileInfo(path).Length - SumBytes(tensors)) % 8); // header padded to 8 bytes
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left behind
    }

    [Fact]
    public void WriteReplacesAnExistingFile()
    {
        string path = Path.Combine(_dir, "x.safetensors");
        SafeTensorsFile.Write(path, [CheckpointTensor.FromFloat32("a", [1], [1f])]);
        SafeTensorsFile.Write(path, [CheckpointTensor.FromFloat32("b", [2], [2f, 3f])]);

        CheckpointTensor only = Assert.Single(SafeTensorsFile.Read(path).Tensors);
        Assert.Equal("b", only.Name);
        Assert.Equal([2f, 3f], only.ToFloat32());
    }

    [Fact]
    public void WriteRejectsDuplicateNames()
    {
        string path = Path.Combine(_dir, "dup.safetensors");
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path,
            [CheckpointTensor.FromFloat32("a", [1], [1f]), CheckpointTensor.FromFloat32("a", [1], [2f])]));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 16]}}", "outside the data section")]
    [InlineData("{\"t\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", "needs 12 bytes, data_offsets give 8")]
    [InlineData("{\"t\": {\"dtype\": \"F8_E4M3\", \"shape\": [8], \"data_offsets\": [0, 8]}}", "unsupported dtype 'F8_E4M3'")]
    [InlineData("{\"t\": {\"dtype\": \"F32\", \"shape\": [-2], \"data_offsets\": [0, 8]}}", "non-negative integers")]
    [InlineData("{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]}}", "outside the data section")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"I32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "overlap")]
    [InlineData("{\"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "twice")]
    [InlineData("{\"t\": {\"dtype\": \"F32\", \"shape\": [2]}}", "data_offsets")]
    [InlineData("{\"__metadata__\": {\"n\": 3}}", "must be a string")]
    public void MalformedHeadersAreRejectedWithTheReason(string header, string reason)
    {
        string path = WriteRaw("bad.safetensors", header, new byte[8]);

        var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Read(path));

        Assert.Contains(reason, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void HeaderLengthBeyondTheFileIsRejectedBeforeAllocating()
    {
        string path = Path.Combine(_dir, "huge.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue / 2);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("header length", error.Message);
    }

    [Fact]
    public void EveryTruncationOfAValidFileFailsCleanly()
    {
        string path = Path.Combine(_dir, "ok.safetensors");
        SafeTensorsFile.Write(path, [CheckpointTensor.FromFloat32("w", [2, 2], [1f, 2f, 3f, 4f]), CheckpointTensor.FromInt64("i", [1], [9])]);
        byte[] full = File.ReadAllBytes(path);
        string cut = Path.Combine(_dir, "cut.safetensors");

        for (int length = 0; length < full.Length; length++)
        {
            File.WriteAllBytes(cut, full[..length]);
            Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Read(cut));
            // The metadata-only read checks the header against the file length too, so a cut in the data is noticed.
            var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.ReadMetadata(cut));
            Assert.Contains(cut, e.Message);
        }
    }

    [ReferenceFact]
    public void ReadsTheHubertReferenceFileWrittenBySomeoneElse()
    {
        SafeTensorsContent content = SafeTensorsFile.Read(ReferencePaths.Get("hubert", "model_hf.safetensors"));

        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal([32L, 1, 10], content["feature_extractor.conv_layers.0.conv.weight"].Shape);
        Assert.Equal([64L, 32], content["feature_projection.projection.weight"].Shape);
        Assert.Equal([1L, 1, 128], content["encoder.pos_conv_embed.conv.weight_g"].Shape);
        Assert.Equal([64L, 4, 128], content["encoder.pos_conv_embed.conv.weight_v"].Shape);
        Assert.Equal([128L, 64], content["encoder.layers.2.feed_forward.intermediate_dense.weight"].Shape);
        Assert.Equal([64L], content["masked_spec_embed"].Shape);
        Assert.All(content.Tensors, t => Assert.Equal(CheckpointDType.F32, t.DType));
        Assert.Equal(content.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), content.Tensors.Select(t => t.Name)); // README: sorted
        // README: masked_spec_embed ~ U(0, 1).
        Assert.All(content["masked_spec_embed"].ToFloat32(), v => Assert.InRange(v, 0f, 1f));
    }

    private string WriteRaw(string name, string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static long SumBytes(IEnumerable<CheckpointTensor> tensors) => 8 + tensors.Sum(t => (long)t.Data.Length);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
