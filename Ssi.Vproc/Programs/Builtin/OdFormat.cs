// od's output formats (-t a c d o u x f with sizes) and GNU od's way of laying out a line of them.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>One -t format: its kind letter (a c d o u x f), the bytes per value, and the digits a value takes.</summary>
public sealed record OdType(char Kind, int Size, int Width)
{
    private static readonly string[] Names =
    [
        "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
        "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "sp",
    ];

    /// <summary>The formats of a -t string ("x1c" is two), or GNU's complaint about it.</summary>
    public static (List<OdType>? Types, string? Error) Parse(string text)
    {
        var types = new List<OdType>();
        for (var i = 0; i < text.Length;)
        {
            var kind = text[i++];
            if (kind is 'a' or 'c')
            {
                types.Add(new OdType(kind, 1, 3));
                continue;
            }
            if (kind is not ('d' or 'o' or 'u' or 'x' or 'f')) return (null, $"invalid character '{kind}' in type string {Io.Quote(text)}");
            var size = kind == 'f' ? 8 : 4;
            if (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                size = int.Parse(text[start..i], CultureInfo.InvariantCulture);
            }
            else if (i < text.Length && (kind == 'f' ? "FDL" : "CSIL").Contains(text[i]))
                size = text[i++] switch { 'C' => 1, 'S' => 2, 'I' => 4, 'F' => 4, 'D' => 8, 'L' when kind == 'f' => 16, _ => 8 };
            var valid = kind == 'f' ? size is 4 or 8 : size is 1 or 2 or 4 or 8;
            if (!valid) return (null, $"invalid type string {Io.Quote(text)};\nthis system doesn't provide a {size}-byte {(kind == 'f' ? "floating point" : "integral")} type");
            types.Add(new OdType(kind, size, WidthOf(kind, size)));
        }
        return (types, null);
    }

    private static int WidthOf(char kind, int size) => (kind, size) switch
    {
        ('x', _) => size * 2,
        ('o', 1) => 3,
        ('o', 2) => 6,
        ('o', 4) => 11,
        ('o', _) => 22,
        ('u', 1) => 3,
        ('u', 2) => 5,
        ('u', 4) => 10,
        ('u', _) => 20,
        ('d', 1) => 4,
        ('d', 2) => 6,
        ('d', 4) => 11,
        ('d', _) => 20,
        ('f', 4) => 15,
        _ => 24,
    };

    /// <summary>
    /// One line of this format for <paramref name="block"/> (a whole line's bytes or the last, shorter one), with
    /// <paramref name="pad"/> spaces spread over a whole line's fields as GNU od spreads them.
    /// </summary>
    public string Line(byte[] block, int perLine, int pad)
    {
        var fields = perLine / Size;
        var present = (block.Length + Size - 1) / Size;
        var padded = new byte[present * Size];
        block.CopyTo(padded, 0);
        var s = new StringBuilder();
        var remaining = pad;
        for (var i = fields; i > fields - present; i--)
        {
            var next = pad * (i - 1) / fields;
            var at = (fields - i) * Size;
            s.Append(' ', remaining - next).Append(Value(padded.AsSpan(at, Size)).PadLeft(Width));
            remaining = next;
        }
        return s.ToString();
    }

    private string Value(ReadOnlySpan<byte> b)
    {
        switch (Kind)
        {
            case 'a':
                var low = b[0] & 0x7F;
                return low < Names.Length ? Names[low] : low == 0x7F ? "del" : ((char)low).ToString();
            case 'c':
                return b[0] switch
                {
                    0 => "\\0",
                    7 => "\\a",
                    8 => "\\b",
                    9 => "\\t",
                    10 => "\\n",
                    11 => "\\v",
                    12 => "\\f",
                    13 => "\\r",
                    >= 32 and < 127 => ((char)b[0]).ToString(),
                    _ => Convert.ToString(b[0], 8).PadLeft(3, '0'),
                };
            case 'f':
                return Size == 4 ? Shortest(BinaryPrimitives.ReadSingleLittleEndian(b), 9) : Shortest(BinaryPrimitives.ReadDoubleLittleEndian(b), 17);
        }
        var unsigned = Size switch
        {
            1 => b[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(b),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(b),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(b),
        };
        return Kind switch
        {
            'o' => Convert.ToString((long)unsigned, 8).PadLeft(Width, '0'),
            'x' => unsigned.ToString("x", CultureInfo.InvariantCulture).PadLeft(Width, '0'),
            'u' => unsigned.ToString(CultureInfo.InvariantCulture),
            _ => (Size switch { 1 => (sbyte)unsigned, 2 => (short)unsigned, 4 => (int)unsigned, _ => (long)unsigned }).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The shortest %g form that reads back as the same value, as GNU od prints floats.</summary>
    private static string Shortest(double value, int maxDigits)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var single = maxDigits == 9;
        for (var precision = 1; precision < maxDigits; precision++)
        {
            var text = G(value, precision);
            var back = double.Parse(text, CultureInfo.InvariantCulture);
            if (single ? (float)back == (float)value : back == value) return text;
        }
        return G(value, maxDigits);
    }

    // C's %.{precision}g.
    private static string G(double value, int precision)
    {
        if (value == 0) return (double.IsNegative(value) ? "-" : "") + "0";
        var e = value.ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
        var exponent = int.Parse(e[(e.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= precision)
        {
            var mantissa = e[..e.IndexOf('E')];
            if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        var fixedText = value.ToString("F" + Math.Max(precision - 1 - exponent, 0), CultureInfo.InvariantCulture);
        return fixedText.Contains('.') ? fixedText.TrimEnd('0').TrimEnd('.') : fixedText;
    }
}
