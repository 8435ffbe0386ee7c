using System.Numerics;
using System.Text;
using static SoundStorm.Export.Checkpoints.PickleOpcodes;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// A data-only pickle interpreter (protocols 0–5). It builds strings, numbers, lists, tuples, dicts and sets itself
/// and hands globals, calls, BUILD and persistent ids to an <see cref="IPickleResolver"/>; it never imports or runs code.
/// </summary>
internal sealed class PickleMachine
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Deepest tuple nesting accepted. Tuple equality, hashing and printing recurse, so a few kilobytes of TUPLE1
    /// opcodes could otherwise overflow the stack (which kills the process); real checkpoints nest a handful of levels.
    /// </summary>
    internal const int MaxTupleDepth = 100;

    private readonly PickleInput _in;
    private readonly IPickleResolver _resolver;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];

    private PickleMachine(PickleInput input, IPickleResolver resolver)
    {
        _in = input;
        _resolver = resolver;
    }

    /// <summary>Runs one pickle up to its STOP opcode and returns the object it describes.</summary>
    internal static object? Load(PickleInput input, IPickleResolver resolver) => new PickleMachine(input, resolver).Run();

    private object? Run()
    {
        while (true)
        {
            byte op = _in.ReadByte();
            if (op == Stop)
            {
                object? result = Pop();
                if (_stack.Count != 0) throw _in.Error($"STOP with {_stack.Count} extra item(s) on the stack");
                return result;
            }

            Execute(op);
        }
    }

    private void Execute(byte op)
    {
        switch (op)
        {
            case Proto:
                byte protocol = _in.ReadByte();
                if (protocol > 5) throw _in.Error($"unsupported pickle protocol {protocol} (expected 0–5)");
                break;
            case Frame:
                long frame = _in.ReadInt64();
                if (frame < 0 || frame > _in.Remaining) throw _in.Error($"FRAME length {frame} exceeds the {_in.Remaining} bytes that remain");
                break;
            case Mark: _marks.Add(_stack.Count); break;
            case PopTop: Pop(); break;
            case PopMark: PopToMark(); break;
            case Dup: Push(Peek()); break;

            case None: Push(null); break;
            case NewTrue: Push(true); break;
            case NewFalse: Push(false); break;
            case Int: Push(ParseIntLine(_in.ReadLine("INT"))); break;
            case BinInt: Push((long)_in.ReadInt32()); break;
            case BinInt1: Push((long)_in.ReadByte()); break;
            case BinInt2: Push((long)_in.ReadUInt16()); break;
            case Long: Push(Normalize(ParseBigInteger(_in.ReadLine("LONG").TrimEnd('L'), "LONG"))); break;
            case Long1: Push(ReadLittleEndianInteger(_in.ReadByte())); break;
            case Long4: Push(ReadLittleEndianInteger(_in.ReadInt32())); break;
            case Float: Push(ParseFloat(_in.ReadLine("FLOAT"))); break;
            case BinFloat: Push(_in.ReadDoubleBigEndian()); break;

            case Str: Push(Decode(PickleText.UnquotePythonBytes(_in.ReadLine("STRING"), _in), "STRING")); break;
            case BinString: Push(Decode(_in.ReadBytes(_in.ReadInt32(), "BINSTRING"), "BINSTRING")); break;
            case ShortBinString: Push(Decode(_in.ReadBytes(_in.ReadByte(), "SHORT_BINSTRING"), "SHORT_BINSTRING")); break;
            case Unicode: Push(PickleText.RawUnicodeEscape(_in.ReadLine("UNICODE"), _in)); break;
            case BinUnicode: Push(Decode(_in.ReadBytes(_in.ReadUInt32(), "BINUNICODE"), "BINUNICODE")); break;
            case ShortBinUnicode: Push(Decode(_in.ReadBytes(_in.ReadByte(), "SHORT_BINUNICODE"), "SHORT_BINUNICODE")); break;
            case BinUnicode8: Push(Decode(_in.ReadBytes(_in.ReadInt64(), "BINUNICODE8"), "BINUNICODE8")); break;
            case BinBytes: Push(_in.ReadBytes(_in.ReadUInt32(), "BINBYTES")); break;
            case ShortBinBytes: Push(_in.ReadBytes(_in.ReadByte(), "SHORT_BINBYTES")); break;
            case BinBytes8: Push(_in.ReadBytes(_in.ReadInt64(), "BINBYTES8")); break;
            case ByteArray8: Push(_in.ReadBytes(_in.ReadInt64(), "BYTEARRAY8")); break;

            case EmptyTuple: Push(CheckpointTuple.Empty); break;
            case TupleMark: Push(NewTuple(PopToMark())); break;
            case Tuple1: Push(NewTuple(PopMany(1))); break;
            case Tuple2: Push(NewTuple(PopMany(2))); break;
            case Tuple3: Push(NewTuple(PopMany(3))); break;
            case EmptyList: Push(new List<object?>()); break;
            case ListMark: Push(new List<object?>(PopToMark())); break;
            case Append: AppendTo(Peek(1), [Pop()]); break;
            case Appends: { object?[] items = PopToMark(); AppendTo(Peek(), items); break; }
            case EmptyDict: Push(new CheckpointDict(isOrderedDict: false)); break;
            case DictMark: { var dict = new CheckpointDict(isOrderedDict: false); SetItems(dict, PopToMark()); Push(dict); break; }
            case SetItem: { object? value = Pop(); object? key = Pop(); SetItems(Peek(), [key, value]); break; }
            case SetItemsMark: { object?[] items = PopToMark(); SetItems(Peek(), items); break; }
            case EmptySet: Push(new HashSet<object?>()); break;
            case AddItems: { object?[] items = PopToMark(); AddToSet(Peek(), items); break; }
            case FrozenSet: Push(new HashSet<object?>(PopToMark())); break;

            case Put: _memo[ParseMemoIndex(_in.ReadLine("PUT"))] = Peek(); break;
            case BinPut: _memo[_in.ReadByte()] = Peek(); break;
            case LongBinPut: _memo[_in.ReadUInt32()] = Peek(); break;
            case Memoize: _memo[_memo.Count] = Peek(); break;
            case Get: Push(MemoGet(ParseMemoIndex(_in.ReadLine("GET")))); break;
            case BinGet: Push(MemoGet(_in.ReadByte())); break;
            case LongBinGet: Push(MemoGet(_in.ReadUInt32())); break;

            case Global: { string module = _in.ReadLine("GLOBAL module"); Push(_resolver.ResolveGlobal(module, _in.ReadLine("GLOBAL name"))); break; }
            case StackGlobal: { string name = PopString("STACK_GLOBAL"); Push(_resolver.ResolveGlobal(PopString("STACK_GLOBAL"), name)); break; }
            case Reduce: { object? args = Pop(); Push(_resolver.Call(Pop(), AsTuple(args, "REDUCE"))); break; }
            case NewObj: { object? args = Pop(); Push(_resolver.Call(Pop(), AsTuple(args, "NEWOBJ"))); break; }
            case NewObjEx: NewObjectWithKeywords(); break;
            case Inst: Instantiate(); break;
            case Obj: { object?[] items = PopToMark(); if (items.Length == 0) throw _in.Error("OBJ without a class"); Push(_resolver.Call(items[0], NewTuple(items[1..]))); break; }
            case Build: { object? state = Pop(); _resolver.Build(Peek(), state); break; }
            case PersId: Push(_resolver.PersistentLoad(_in.ReadLine("PERSID"))); break;
            case BinPersId: Push(_resolver.PersistentLoad(Pop())); break;

            case Ext1 or Ext2 or Ext4:
                throw _in.Error("the copyreg extension registry (EXT1/EXT2/EXT4) is not supported");
            case NextBuffer or ReadOnlyBuffer:
                throw _in.Error("out-of-band buffers (pickle protocol 5) are not supported");
            default:
                throw _in.Error($"unknown pickle opcode 0x{op:x2}");
        }
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count)) throw _in.Error("pickle stack underflow");
        object? value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek(int depth = 0)
    {
        if (_stack.Count <= depth) throw _in.Error("pickle stack underflow");
        return _stack[^(depth + 1)];
    }

    private CheckpointTuple NewTuple(object?[] items)
    {
        var tuple = new CheckpointTuple(items);
        return tuple.Depth <= MaxTupleDepth ? tuple : throw _in.Error($"tuples nested deeper than {MaxTupleDepth} levels");
    }

    private object?[] PopMany(int count)
    {
        var items = new object?[count];
        for (int i = count - 1; i >= 0; i--) items[i] = Pop();
        return items;
    }

    private object?[] PopToMark()
    {
        if (_marks.Count == 0) throw _in.Error("MARK expected but none is open");
        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        object?[] items = [.. _stack.Skip(mark)];
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out object? value) ? value : throw _in.Error($"memo index {index} was never stored");

    private string PopString(string what) => Pop() as string ?? throw _in.Error($"{what} expects strings for module and name");

    private CheckpointTuple AsTuple(object? args, string what) =>
        args as CheckpointTuple ?? throw _in.Error($"{what} expects an argument tuple, found {Describe(args)}");

    private void AppendTo(object? target, object?[] items)
    {
        if (target is not List<object?> list) throw _in.Error($"APPEND(S) to {Describe(target)} (expected a list)");
        list.AddRange(items);
    }

    private void SetItems(object? target, object?[] keysAndValues)
    {
        if (target is not CheckpointDict dict) throw _in.Error($"SETITEM(S) on {Describe(target)} (expected a dict)");
        if (keysAndValues.Length % 2 != 0) throw _in.Error("SETITEMS with an odd number of items");
        for (int i = 0; i < keysAndValues.Length; i += 2)
        {
            object key = CheckKey(keysAndValues[i]);
            dict.Set(key, keysAndValues[i + 1]);
        }
    }

    private void AddToSet(object? target, object?[] items)
    {
        if (target is not HashSet<object?> set) throw _in.Error($"ADDITEMS on {Describe(target)} (expected a set)");
        foreach (object? item in items) set.Add(item);
    }

    private object CheckKey(object? key) => key switch
    {
        string or long or BigInteger or double or bool or CheckpointTuple => key,
        _ => throw _in.Error($"unsupported dict key {Describe(key)} (expected a string, number, bool or tuple)"),
    };

    private void NewObjectWithKeywords()
    {
        object? kwargs = Pop();
        object? args = Pop();
        object? cls = Pop();
        if (kwargs is CheckpointDict { Count: > 0 }) throw _in.Error("NEWOBJ_EX with keyword arguments is not supported");
        Push(_resolver.Call(cls, AsTuple(args, "NEWOBJ_EX")));
    }

    private void Instantiate()
    {
        string module = _in.ReadLine("INST module");
        string name = _in.ReadLine("INST name");
        object?[] args = PopToMark();
        Push(_resolver.Call(_resolver.ResolveGlobal(module, name), NewTuple(args)));
    }

    private string Decode(byte[] bytes, string what)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException e) { throw new CheckpointFormatException($"{_in.Source}: {what} is not valid UTF-8.", e); }
    }

    private object ReadLittleEndianInteger(int length)
    {
        byte[] bytes = _in.ReadBytes(length, "LONG");
        return Normalize(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));
    }

    /// <summary>Integers that fit in 64 bits are returned as <see cref="long"/>, larger ones as <see cref="BigInteger"/>.</summary>
    private static object Normalize(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    private object ParseIntLine(string line) => line switch
    {
        "00" => false, // Protocol 0 spells False/True as INT 00 / 01.
        "01" => true,
        _ => Normalize(ParseBigInteger(line, "INT")),
    };

    private BigInteger ParseBigInteger(string text, string what) =>
        BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger value)
            ? value
            : throw _in.Error($"{what}: '{text}' is not an integer");

    private long ParseMemoIndex(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw _in.Error($"memo index '{text}' is not a non-negative integer");

    private double ParseFloat(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw _in.Error($"FLOAT: '{text}' is not a number"),
    };

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        string => "a string",
        _ => value.GetType().Name,
    };
}
