using System.Text;

namespace SoundStorm.Export.NumPy;

/// <summary>
/// The header dictionary of a <c>.npy</c> file (<c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>),
/// parsed by a small reader of exactly the Python literals NumPy writes there.
/// </summary>
internal sealed record NpyHeader(NpyElementType ElementType, bool BigEndian, int[] Shape)
{
    public static NpyHeader Parse(string text)
    {
        var reader = new LiteralReader(text);
        string? descr = null;
        bool? fortranOrder = null;
        int[]? shape = null;
        reader.Expect('{');
        while (!reader.TryConsume('}'))
        {
            string key = reader.ReadString();
            reader.Expect(':');
            switch (key)
            {
                case "descr": descr = reader.ReadString(); break;
                case "fortran_order": fortranOrder = reader.ReadBool(); break;
                case "shape": shape = reader.ReadIntTuple(); break;
                default: throw new NpyFormatException($"Unexpected key '{key}' in the .npy header.");
            }
            if (!reader.TryConsume(','))
            {
                reader.Expect('}');
                break;
            }
        }
        if (descr is null) throw new NpyFormatException("The .npy header lacks 'descr'.");
        if (fortranOrder is null) throw new NpyFormatException("The .npy header lacks 'fortran_order'.");
        if (shape is null) throw new NpyFormatException("The .npy header lacks 'shape'.");
        if (fortranOrder.Value)
            throw new NpyFormatException(
                "The .npy file is stored in Fortran (column-major) order; only C order is supported. " +
                "Save it with np.save(path, np.ascontiguousarray(a)).");
        if (descr.Length < 2)
            throw new NpyFormatException($"Unsupported dtype '{descr}'.");
        char order = descr[0];
        string code = descr[1..];
        if (!NpyElementTypes.TryParseCode(code, out var type) || order is not ('<' or '>' or '|' or '='))
            throw new NpyFormatException(
                $"Unsupported dtype '{descr}': expected one of f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 with a byte-order mark (<, >, |, =).");
        bool bigEndian = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        return new NpyHeader(type, bigEndian, shape);
    }

    public string Format()
    {
        var sb = new StringBuilder();
        string mark = NpyElementTypes.SizeOf(ElementType) == 1 ? "|" : "<";
        sb.Append("{'descr': '").Append(mark).Append(NpyElementTypes.Code(ElementType)).Append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < Shape.Length; i++)
        {
            sb.Append(Shape[i].ToString(CultureInfo.InvariantCulture));
            if (Shape.Length == 1 || i < Shape.Length - 1) sb.Append(Shape.Length == 1 ? "," : ", ");
        }
        sb.Append("), }");
        return sb.ToString();
    }

    private sealed class LiteralReader(string text)
    {
        private int _pos;

        public void Expect(char c)
        {
            if (!TryConsume(c))
                throw new NpyFormatException($"Malformed .npy header: expected '{c}' at offset {_pos} in \"{text}\".");
        }

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        public string ReadString()
        {
            SkipSpace();
            if (_pos >= text.Length || (text[_pos] != '\'' && text[_pos] != '"'))
                throw new NpyFormatException($"Malformed .npy header: expected a quoted string at offset {_pos}.");
            char quote = text[_pos++];
            int end = text.IndexOf(quote, _pos);
            if (end < 0) throw new NpyFormatException("Malformed .npy header: unterminated string.");
            string value = text[_pos..end];
            _pos = end + 1;
            return value;
        }

        public bool ReadBool()
        {
            SkipSpace();
            if (Matches("True")) return true;
            if (Matches("False")) return false;
            throw new NpyFormatException($"Malformed .npy header: expected True or False at offset {_pos}.");
        }

        public int[] ReadIntTuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (!TryConsume(')'))
            {
                SkipSpace();
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                // NumPy on some platforms wrote "3L"; accept and ignore the suffix.
                string digits = text[start.._pos];
                if (_pos < text.Length && text[_pos] == 'L') _pos++;
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int dim))
                    throw new NpyFormatException($"Malformed .npy header: shape dimension '{digits}' at offset {start} is not an integer in 0..{int.MaxValue}.");
                dims.Add(dim);
                if (!TryConsume(','))
                {
                    Expect(')');
                    break;
                }
            }
            return dims.ToArray();
        }

        private bool Matches(string word)
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) != 0) return false;
            _pos += word.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }
    }
}
