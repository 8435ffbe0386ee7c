namespace SoundStorm.Export.Checkpoints;

/// <summary>The pickle opcodes of protocols 0–5 (values from Python's pickle format description).</summary>
internal static class PickleOpcodes
{
    internal const byte Mark = (byte)'(', Stop = (byte)'.', PopTop = (byte)'0', PopMark = (byte)'1', Dup = (byte)'2';
    internal const byte Float = (byte)'F', Int = (byte)'I', BinInt = (byte)'J', BinInt1 = (byte)'K', Long = (byte)'L';
    internal const byte BinInt2 = (byte)'M', None = (byte)'N', PersId = (byte)'P', BinPersId = (byte)'Q', Reduce = (byte)'R';
    internal const byte Str = (byte)'S', BinString = (byte)'T', ShortBinString = (byte)'U', Unicode = (byte)'V';
    internal const byte BinUnicode = (byte)'X', Append = (byte)'a', Build = (byte)'b', Global = (byte)'c', DictMark = (byte)'d';
    internal const byte EmptyDict = (byte)'}', Appends = (byte)'e', Get = (byte)'g', BinGet = (byte)'h', Inst = (byte)'i';
    internal const byte LongBinGet = (byte)'j', ListMark = (byte)'l', EmptyList = (byte)']', Obj = (byte)'o', Put = (byte)'p';
    internal const byte BinPut = (byte)'q', LongBinPut = (byte)'r', SetItem = (byte)'s', TupleMark = (byte)'t';
    internal const byte EmptyTuple = (byte)')', SetItemsMark = (byte)'u', BinFloat = (byte)'G';

    // Protocol 2.
    internal const byte Proto = 0x80, NewObj = 0x81, Ext1 = 0x82, Ext2 = 0x83, Ext4 = 0x84, Tuple1 = 0x85, Tuple2 = 0x86;
    internal const byte Tuple3 = 0x87, NewTrue = 0x88, NewFalse = 0x89, Long1 = 0x8a, Long4 = 0x8b;

    // Protocol 3.
    internal const byte BinBytes = (byte)'B', ShortBinBytes = (byte)'C';

    // Protocol 4.
    internal const byte ShortBinUnicode = 0x8c, BinUnicode8 = 0x8d, BinBytes8 = 0x8e, EmptySet = 0x8f, AddItems = 0x90;
    internal const byte FrozenSet = 0x91, NewObjEx = 0x92, StackGlobal = 0x93, Memoize = 0x94, Frame = 0x95;

    // Protocol 5.
    internal const byte ByteArray8 = 0x96, NextBuffer = 0x97, ReadOnlyBuffer = 0x98;
}
