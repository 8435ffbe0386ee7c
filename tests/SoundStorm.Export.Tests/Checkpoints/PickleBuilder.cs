using System.Buffers.Binary;
using System.Text;

namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>Writes pickle opcodes by hand, so tests can state exactly which opcodes a reader meets.</summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> _bytes = [];

    internal PickleBuilder Op(char opcode) { _bytes.Add((byte)opcode); return this; }

    internal PickleBuilder Op(byte opcode) { _bytes.Add(opcode); return this; }

    internal PickleBuilder Raw(params byte[] bytes) { _bytes.AddRange(bytes); return this; }

    internal PickleBuilder Text(string text) { _bytes.AddRange(Encoding.UTF8.GetBytes(text)); return this; }

    internal PickleBuilder Proto(byte version) => Op(0x80).Raw(version);

    internal PickleBuilder Global(string module, string name) => Op('c').Text($"{module}\n{name}\n");

    internal PickleBuilder Unicode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Op('X').Raw(length).Raw(utf8);
    }

    internal PickleBuilder ShortUnicode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return Op(0x8c).Raw((byte)utf8.Length).Raw(utf8);
    }

    internal PickleBuilder Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return Op('J').Raw(bytes);
    }

    internal PickleBuilder Tuple(params int[] values)
    {
        Op('(');
        foreach (int v in values) Int(v);
        return Op('t');
    }

    /// <summary>torch._utils._rebuild_tensor_v2(FloatStorage key '0' of <paramref name="numel"/>, offset, size, stride, False, None).</summary>
    internal PickleBuilder FloatTensor(int numel, int offset, int[] size, int[] stride) =>
        Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(numel).Op('t').Op('Q')
            .Int(offset).Tuple(size).Tuple(stride).Op(0x89).Op('N').Op('t').Op('R');

    internal byte[] ToArray() => [.. _bytes];

    /// <summary>Runs the bytes through the data-only machine with torch's allow-list; storage '0' holds <paramref name="storage"/>.</summary>
    internal object? Load(float[]? storage = null, TorchLoadOptions? options = null)
    {
        byte[] bytes = ToArray();
        var resolver = new TorchPickleResolver(new FixedStorage(storage ?? []), options ?? TorchLoadOptions.Default, "test.pkl");
        return PickleMachine.Load(new PickleInput(new MemoryStream(bytes), bytes.Length, "test.pkl"), resolver);
    }

    private sealed class FixedStorage(float[] values) : ITorchStorageSource
    {
        public ReadOnlyMemory<byte>? Load(string key, CheckpointDType dtype, long elementCount) =>
            CheckpointTensor.FromFloat32("", [values.Length], values).Data;
    }
}
