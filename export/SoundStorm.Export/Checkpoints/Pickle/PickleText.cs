using System.Text;

namespace SoundStorm.Export.Checkpoints;

/// <summary>Decoding of the text arguments of protocol-0 string opcodes (STRING and UNICODE).</summary>
internal static class PickleText
{
    /// <summary>STRING's argument: a quoted Python bytes literal such as <c>'a\n\x00'</c>; returns its bytes.</summary>
    internal static byte[] UnquotePythonBytes(string literal, PickleInput input)
    {
        if (literal.Length < 2 || literal[0] != literal[^1] || (literal[0] != '\'' && literal[0] != '"'))
        {
            throw input.Error($"STRING argument {literal} is not quoted");
        }

        var bytes = new List<byte>();
        string body = literal[1..^1];
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '\\')
            {
                if (c > 0xff) throw input.Error("STRING argument has a non-latin-1 character");
                bytes.Add((byte)c);
                continue;
            }

            if (++i >= body.Length) throw input.Error("STRING argument ends in a backslash");
            char e = body[i];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case '\\' or '\'' or '"': bytes.Add((byte)e); break;
                case 'x':
                    if (i + 2 >= body.Length) throw input.Error("STRING argument has a short \\x escape");
                    bytes.Add(ParseHex(body.AsSpan(i + 1, 2), input));
                    i += 2;
                    break;
                default: throw input.Error($"STRING argument has an unsupported escape \\{e}");
            }
        }

        return [.. bytes];
    }

    /// <summary>UNICODE's argument: raw-unicode-escape text (latin-1 with \uXXXX and \UXXXXXXXX escapes).</summary>
    internal static string RawUnicodeEscape(string text, PickleInput input)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            int digits = text[i] == '\\' && i + 1 < text.Length ? text[i + 1] switch { 'u' => 4, 'U' => 8, _ => 0 } : 0;
            if (digits == 0)
            {
                result.Append(text[i]);
                continue;
            }

            if (i + 2 + digits > text.Length) throw input.Error("UNICODE argument has a short \\u escape");
            if (!int.TryParse(text.AsSpan(i + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)
                || code > 0x10FFFF || code < 0 || (code >= 0xD800 && code <= 0xDFFF))
            {
                throw input.Error("UNICODE argument has an invalid \\u escape");
            }

            result.Append(char.ConvertFromUtf32(code));
            i += 1 + digits;
        }

        return result.ToString();
    }

    private static byte ParseHex(ReadOnlySpan<char> hex, PickleInput input) =>
        byte.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b)
            ? b
            : throw input.Error("STRING argument has an invalid \\x escape");
}
