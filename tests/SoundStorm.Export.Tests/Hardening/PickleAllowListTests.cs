using SoundStorm.Export.Tests.Checkpoints;

namespace SoundStorm.Export.Tests.Hardening;

/// <summary>
/// The pickle reader builds only allow-listed types: every way a pickle can name or call a global (GLOBAL, STACK_GLOBAL,
/// INST, OBJ, REDUCE, NEWOBJ), anywhere in the object tree, is refused by name when the global is not allowed; the
/// extension-registry opcodes are refused outright; nesting that would overflow the stack is refused.
/// </summary>
public sealed class PickleAllowListTests
{
    // A sentinel the forbidden call would create if anything ran it (nothing may).
    private static readonly string Sentinel = Path.Combine(Path.GetTempPath(), $"soundstorm-pwned-{Guid.NewGuid():N}");

    private static readonly Dictionary<string, Func<PickleBuilder, PickleBuilder>> ForbiddenCalls = new()
    {
        // Each pushes exactly one value: a call of os.system('touch <sentinel>') spelled with a different opcode.
        { "GLOBAL + REDUCE", p => p.Global("os", "system").Unicode($"touch {Sentinel}").Op(0x85).Op('R') },
        { "STACK_GLOBAL + REDUCE", p => p.ShortUnicode("os").ShortUnicode("system").Op(0x93).Unicode($"touch {Sentinel}").Op(0x85).Op('R') },
        { "INST", p => p.Op('(').Unicode($"touch {Sentinel}").Op('i').Text("os\nsystem\n") },
        { "OBJ", p => p.Op('(').Global("os", "system").Unicode($"touch {Sentinel}").Op('o') },
        { "NEWOBJ", p => p.Global("subprocess", "Popen").Unicode($"touch {Sentinel}").Op(0x85).Op(0x81) },
        { "NEWOBJ_EX", p => p.Global("subprocess", "Popen").Unicode($"touch {Sentinel}").Op(0x85).Op('}').Op(0x92) },
        { "GLOBAL via the Python 2 module name", p => p.Global("__builtin__", "eval").Unicode("1").Op(0x85).Op('R') },
        { "a bare reference, never called", p => p.Global("posix", "system") },
    };

    private static readonly Dictionary<string, Func<PickleBuilder, Func<PickleBuilder, PickleBuilder>, PickleBuilder>> Containers = new()
    {
        { "top level", (p, call) => call(p) },
        { "list item", (p, call) => call(p.Op(']').Op('(')).Op('e') },
        { "dict value", (p, call) => call(p.Op('}').Unicode("model")).Op('s') },
        { "dict key", (p, call) => call(p.Op('}')).Op('N').Op('s') },
        { "tuple inside a list inside a dict", (p, call) => call(p.Op('}').Unicode("a").Op(']').Int(1)).Op(0x86).Op('a').Op('s') },
        { "argument of an allowed callable", (p, call) => call(p.Global("collections", "OrderedDict")).Op(0x85).Op('R') },
        { "state of a BUILD", (p, call) => call(p.Global("collections", "OrderedDict").Op(')').Op('R')).Op('b') },
        { "persistent id", (p, call) => call(p).Op('Q') },
    };

    public static TheoryData<string> Spellings => [.. ForbiddenCalls.Keys];

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Forbidden_global_is_refused_by_name_in_every_spelling(string spelling)
    {
        var call = ForbiddenCalls[spelling];
        foreach (var (where, wrap) in Containers)
        {
            var pickle = wrap(new PickleBuilder().Proto(2), call).Op('.');
            var error = Assert.Throws<UnsafeCheckpointException>(() => pickle.Load());
            Assert.True(error.GlobalName is "os.system" or "subprocess.Popen" or "__builtin__.eval" or "posix.system", $"{spelling} in {where}: {error.GlobalName}");
            Assert.Contains("allow-list", error.Message);
        }

        Assert.False(File.Exists(Sentinel));
    }

    [Fact]
    public void Opaque_class_is_recorded_not_run_and_opens_nothing_else()
    {
        var options = new TorchLoadOptions { OpaqueClasses = ["argparse.Namespace"] };
        var loaded = new PickleBuilder().Proto(2).Global("argparse", "Namespace").Op(')').Op(0x81)
            .Op('}').Unicode("lr").Int(3).Op('s').Op('b').Op('.').Load(options: options);
        var obj = Assert.IsType<CheckpointObject>(loaded);
        Assert.Equal("argparse.Namespace", obj.ClassName);
        Assert.Equal(3L, Assert.IsType<CheckpointDict>(obj.State)["lr"]);

        // Allowing one class allows nothing beside it: not another class of the same module, not its callables.
        var error = Assert.Throws<UnsafeCheckpointException>(() =>
            new PickleBuilder().Proto(2).Global("argparse", "ArgumentParser").Op(')').Op(0x81).Op('.').Load(options: options));
        Assert.Equal("argparse.ArgumentParser", error.GlobalName);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, 0x82, 0x01, (byte)'.' }, "EXT1")]
    [InlineData(new byte[] { 0x80, 2, 0x83, 0x01, 0x00, (byte)'.' }, "EXT2")]
    [InlineData(new byte[] { 0x80, 2, 0x84, 0x01, 0x00, 0x00, 0x00, (byte)'.' }, "EXT4")]
    public void Extension_registry_opcodes_are_refused(byte[] bytes, string opcode)
    {
        // copyreg's registry maps small integers to globals: following it would bypass the allow-list.
        var error = Assert.Throws<CheckpointFormatException>(() => new PickleBuilder().Raw(bytes).Load());
        Assert.Contains(opcode, error.Message);
    }

    [Fact]
    public void Allowed_callable_with_a_non_data_target_is_refused()
    {
        // BUILD may set state only on the data types the reader makes; a set is not one of them.
        var error = Assert.Throws<CheckpointFormatException>(() =>
            new PickleBuilder().Proto(2).Global("builtins", "set").Op(')').Op('R').Op('}').Op('b').Op('.').Load());
        Assert.Contains("BUILD", error.Message);
    }

    [Theory]
    [InlineData(0x85, "TUPLE1")]
    [InlineData(0x86, "TUPLE2")]
    public void Tuples_nested_past_the_limit_are_refused_before_they_can_overflow_the_stack(byte opcode, string what)
    {
        // 100,000 levels of tuple-in-tuple used as a dict key: hashing recursed once per level and killed the process.
        var pickle = new PickleBuilder().Proto(2).Op('}').Op(')');
        for (int i = 0; i < 100_000; i++)
        {
            if (opcode == 0x86) pickle.Op('N');
            pickle.Op(opcode);
        }

        var error = Assert.Throws<CheckpointFormatException>(() => pickle.Op('N').Op('s').Op('.').Load());
        Assert.Contains($"nested deeper than {PickleMachine.MaxTupleDepth}", error.Message);
        Assert.NotNull(what);
    }

    [Fact]
    public void Tuples_nested_to_the_limit_still_load_hash_and_print()
    {
        var pickle = new PickleBuilder().Proto(2).Op('}').Op(')');
        for (int i = 1; i < PickleMachine.MaxTupleDepth; i++) pickle.Op(0x85);
        var dict = Assert.IsType<CheckpointDict>(pickle.Op('N').Op('s').Op('.').Load());
        var key = Assert.IsType<CheckpointTuple>(Assert.Single(dict.Keys));
        Assert.Equal(PickleMachine.MaxTupleDepth, key.Depth);
        Assert.Equal(PickleMachine.MaxTupleDepth * 2, key.ToString()!.Length);
    }
}
