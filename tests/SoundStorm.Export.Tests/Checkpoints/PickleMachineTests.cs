using System.Numerics;

namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>Opcodes the reference files do not use (protocol 0 text forms, protocol 4), refusals and corruption.</summary>
public sealed class PickleMachineTests
{
    [Fact]
    public void Protocol0TextOpcodesDecodeToTheirValues()
    {
        // list [1, 12345678901234567890, -0.5, b'x\n' as str, 'café', True, False, None, (1, 2), <same tuple via memo>, inf]
        object? loaded = new PickleBuilder()
            .Text("(lp0\nI1\naL12345678901234567890L\naF-0.5\naS'x\\n'\naVcaf\\u00e9\naI01\naI00\naNa(I1\nI2\ntp1\nag1\naFinf\na.")
            .Load();

        var list = Assert.IsType<List<object?>>(loaded);
        Assert.Equal(1L, list[0]);
        Assert.Equal(BigInteger.Parse("12345678901234567890"), list[1]);
        Assert.Equal(-0.5, list[2]);
        Assert.Equal("x\n", list[3]);
        Assert.Equal("café", list[4]);
        Assert.Equal(true, list[5]);
        Assert.Equal(false, list[6]);
        Assert.Null(list[7]);
        Assert.Equal(new CheckpointTuple([1L, 2L]), list[8]);
        Assert.Same(list[8], list[9]);
        Assert.Equal(double.PositiveInfinity, list[10]);
    }

    [Fact]
    public void Protocol4FramesStackGlobalMemoizeBytesAndSetsDecode()
    {
        object? loaded = new PickleBuilder()
            .Proto(4).Op(0x95).Raw(40, 0, 0, 0, 0, 0, 0, 0)
            .ShortUnicode("collections").Op(0x94).ShortUnicode("OrderedDict").Op(0x94).Op(0x93).Op(0x94).Op(')').Op('R').Op(0x94)
            .ShortUnicode("bytes").Op(0x8e).Raw(3, 0, 0, 0, 0, 0, 0, 0).Text("abc").Op('s')
            .ShortUnicode("set").Op(0x8f).Op('(').Op('K').Raw(1).Op('K').Raw(2).Op(0x90).Op('s')
            .ShortUnicode("big").Op(0x8a).Raw(9, 0, 0, 0, 0, 0, 0, 0, 0x80, 0).Op('s')
            .ShortUnicode("negative").Op(0x8a).Raw(1, 0xfe).Op('s')
            .ShortUnicode("again").Op('h').Raw(1).Op('s')
            .Op('.').Load();

        var dict = Assert.IsType<CheckpointDict>(loaded);
        Assert.True(dict.IsOrderedDict);
        Assert.Equal(["bytes", "set", "big", "negative", "again"], dict.Keys.Cast<string>());
        Assert.Equal("abc"u8.ToArray(), dict["bytes"]);
        Assert.Equal([1L, 2L], Assert.IsType<HashSet<object?>>(dict["set"]).Cast<long>().Order());
        Assert.Equal(BigInteger.One << 63, dict["big"]);
        Assert.Equal(-2L, dict["negative"]);
        Assert.Equal("OrderedDict", dict["again"]); // memo slot 1 holds the second MEMOIZEd string
    }

    [Fact]
    public void NumpyScalarsBecomePlainNumbers()
    {
        // numpy.core.multiarray.scalar(numpy.dtype('f8', False, True) with state (3, '<', ...), _codecs.encode(<8 latin-1 chars>, 'latin1'))
        string latin1 = new([.. BitConverter.GetBytes(0.25).Select(b => (char)b)]);
        object? loaded = new PickleBuilder().Proto(2)
            .Global("numpy.core.multiarray", "scalar")
            .Global("numpy", "dtype").Unicode("f8").Op(0x89).Op(0x88).Op(0x87).Op('R')
            .Op('(').Int(3).Unicode("<").Op('N').Op('N').Op('N').Int(-1).Int(-1).Int(0).Op('t').Op('b')
            .Global("_codecs", "encode").Unicode(latin1).Unicode("latin1").Op(0x86).Op('R')
            .Op(0x86).Op('R').Op('.').Load();

        Assert.Equal(0.25, loaded);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("torch", "load")]
    [InlineData("collections", "defaultdict")]
    public void StackGlobalOutsideTheAllowListIsRefusedByName(string module, string name)
    {
        var pickle = new PickleBuilder().Proto(4).ShortUnicode(module).ShortUnicode(name).Op(0x93).Op(')').Op('R').Op('.');

        var error = Assert.Throws<UnsafeCheckpointException>(() => pickle.Load());

        Assert.Equal($"{module}.{name}", error.GlobalName);
    }

    [Fact]
    public void StorageTypesMayBeNamedButNotCalled()
    {
        var pickle = new PickleBuilder().Proto(2).Global("torch", "FloatStorage").Op(')').Op('R').Op('.');

        var error = Assert.Throws<CheckpointFormatException>(() => pickle.Load());

        Assert.Contains("torch.FloatStorage", error.Message);
    }

    [Fact]
    public void StridedViewIsGatheredInRowMajorOrder()
    {
        float[] storage = [.. Enumerable.Range(0, 24).Select(i => (float)i)];

        // A [2, 3] view starting at element 1 with strides (12, 4): rows 0 and 1 of every 4th element.
        var tensor = Assert.IsType<CheckpointTensor>(new PickleBuilder().Proto(2).FloatTensor(24, 1, [2, 3], [12, 4]).Op('.').Load(storage));

        Assert.Equal([2L, 3], tensor.Shape);
        Assert.Equal([1f, 5f, 9f, 13f, 17f, 21f], tensor.ToFloat32());
    }

    [Fact]
    public void ViewReachingPastItsStorageIsRejected()
    {
        var pickle = new PickleBuilder().Proto(2).FloatTensor(4, 2, [3], [1]).Op('.');

        var error = Assert.Throws<CheckpointFormatException>(() => pickle.Load([1f, 2f, 3f, 4f]));

        Assert.Contains("storage '0'", error.Message);
        Assert.Contains("reach element 4", error.Message);
    }

    [Fact]
    public void HugeStrideZeroExpansionIsRejectedInsteadOfAllocated()
    {
        var pickle = new PickleBuilder().Proto(2).FloatTensor(1, 0, [10_000, 10_000], [0, 0]).Op('.');

        var error = Assert.Throws<CheckpointFormatException>(() => pickle.Load([1f]));

        Assert.Contains("expanded view", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 5, (byte)'.' }, "memo index 5")]
    [InlineData(new byte[] { 0x80, 2, (byte)'a', (byte)'.' }, "stack underflow")]
    [InlineData(new byte[] { 0x80, 2, (byte)'e', (byte)'.' }, "MARK")]
    [InlineData(new byte[] { 0x80, 2, 0xff }, "unknown pickle opcode 0xff")]
    [InlineData(new byte[] { 0x80, 9, (byte)'N', (byte)'.' }, "protocol 9")]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 0xff, 0xff, 0xff, 0x7f, (byte)'a' }, "exceeds")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'N', (byte)'.' }, "extra item")]
    [InlineData(new byte[] { 0x80, 2, (byte)']', (byte)'N', (byte)'s', (byte)'.' }, "stack underflow")]
    [InlineData(new byte[] { 0x80, 2, (byte)'}', (byte)']', (byte)'N', (byte)'s', (byte)'.' }, "unsupported dict key")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'N', (byte)'b', (byte)'.' }, "BUILD on None")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'Q', (byte)'.' }, "persistent id")]
    [InlineData(new byte[] { 0x80, 2, 0x82, 1, (byte)'.' }, "extension registry")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N' }, "end of pickle")]
    public void CorruptPicklesFailWithAFormatErrorThatSaysWhy(byte[] bytes, string reason)
    {
        var error = Assert.Throws<CheckpointFormatException>(() => new PickleBuilder().Raw(bytes).Load());

        Assert.Contains(reason, error.Message);
        Assert.Contains("test.pkl", error.Message);
    }
}
