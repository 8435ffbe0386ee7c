using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Onnx.Text;

/// <summary>
/// Reads a CMUdict-format pronunciation dictionary, plain or gzip-compressed, into word → pronunciations (phone ids).
/// The line rules are align-phones.py's (read_pronunciations), so a dictionary yields the pronunciations the
/// training alignments could choose from: <c>word(2)</c> marks an alternative, stress digits are dropped, a
/// pronunciation with a phone outside <see cref="ArpabetPhones"/> is left out, <c>;;</c> starts a comment line.
/// </summary>
internal static class LexiconReader
{
    public static Dictionary<string, List<byte[]>> Read(Stream stream, string source, long maxBytes)
    {
        byte[] raw = ReadBounded(stream, source, "file", maxBytes);
        // gzip's two magic bytes; CMUdict text never starts with them (0x1f is a control character).
        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        {
            raw = Gunzip(raw, source, maxBytes);
        }
        return Parse(Encoding.UTF8.GetString(raw), source);
    }

    private static byte[] Gunzip(byte[] packed, string source, long maxBytes)
    {
        byte[] text;
        using (var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress))
        {
            try
            {
                text = ReadBounded(gzip, source, "decompressed dictionary", maxBytes);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{source}: the gzip data is damaged ({e.Message}).", e);
            }
        }
        // GZipStream checks neither the CRC nor the length in the trailer, and stops quietly at a cut: a damaged or
        // truncated file would otherwise load as a smaller dictionary. (Single-member gzip, as gzip writes.)
        if (packed.Length < 18
            || BinaryPrimitives.ReadUInt32LittleEndian(packed.AsSpan(packed.Length - 8)) != ZipCrc32.Finish(ZipCrc32.Update(ZipCrc32.Initial, text))
            || BinaryPrimitives.ReadUInt32LittleEndian(packed.AsSpan(packed.Length - 4)) != (uint)text.Length)
        {
            throw new InvalidDataException($"{source}: the gzip data is damaged or cut short (its CRC-32 or length does not match).");
        }
        return text;
    }

    private static byte[] ReadBounded(Stream stream, string source, string what, long maxBytes)
    {
        // Bounded because a dictionary may come from a downloaded model package: a gzip bomb must not fill memory.
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                throw new InvalidDataException(
                    $"{source}: the {what} is larger than PronunciationLexicon.MaxDictionaryBytes ({maxBytes} bytes).");
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static Dictionary<string, List<byte[]>> Parse(string text, string source)
    {
        var entries = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal);
        var phones = new List<byte>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (trimmed.IsEmpty || trimmed.StartsWith(";;"))
            {
                continue;
            }
            int wordEnd = trimmed.IndexOfAny(' ', '\t');
            if (wordEnd < 0)
            {
                continue; // a word without phones, as align-phones.py skips it
            }
            string word = HeadWord(trimmed[..wordEnd]);
            if (TryParsePhones(trimmed[wordEnd..], phones))
            {
                if (!entries.TryGetValue(word, out var list))
                {
                    entries[word] = list = new List<byte[]>(1);
                }
                list.Add(phones.ToArray());
            }
        }
        if (entries.Count == 0)
        {
            throw new InvalidDataException($"{source}: no pronunciations found (expected CMUdict lines 'word PH O N E S').");
        }
        return entries;
    }

    /// <summary>The word without its alternative marker "(2)", lower case (CMUdict proper is upper case).</summary>
    private static string HeadWord(ReadOnlySpan<char> token)
    {
        if (token.Length > 3 && token[^1] == ')')
        {
            int open = token.LastIndexOf('(');
            if (open > 0 && open < token.Length - 2 && IsDigits(token[(open + 1)..^1]))
            {
                token = token[..open];
            }
        }
        return token.ToString().ToLowerInvariant();
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryParsePhones(ReadOnlySpan<char> rest, List<byte> phones)
    {
        phones.Clear();
        Span<char> symbol = stackalloc char[4]; // the longest symbol has 3 letters: a longer token is no phone
        foreach (var range in rest.SplitAny(' ', '\t'))
        {
            var token = rest[range];
            if (token.IsEmpty)
            {
                continue;
            }
            // Stress digits (AH0, EY1) are dropped: the inventory has none.
            int length = 0;
            foreach (char c in token)
            {
                if (char.IsAsciiDigit(c))
                {
                    continue;
                }
                if (length == symbol.Length)
                {
                    return false;
                }
                symbol[length++] = char.ToUpperInvariant(c);
            }
            if (!ArpabetPhones.TryGetId(symbol[..length], out int id) || id == ArpabetPhones.SilenceId)
            {
                return false;
            }
            phones.Add((byte)id);
        }
        return phones.Count > 0;
    }
}
