// awk's printf and sprintf: C's conversions over awk values, done by CFormat as printf(1) does them.
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

public static class AwkFormat
{
    /// <summary>
    /// The format with its conversions filled from <paramref name="args"/> in turn (missing ones are empty or 0);
    /// <paramref name="convfmt"/> turns numbers given to %s into text. An unknown conversion is copied as it stands.
    /// </summary>
    public static string Sprintf(string format, IReadOnlyList<AwkValue> args, string convfmt)
    {
        var s = new StringBuilder();
        var next = 0;
        AwkValue Arg() => next < args.Count ? args[next++] : AwkValue.Uninit;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 == format.Length)
            {
                s.Append(c);
                continue;
            }
            if (format[i + 1] == '%')
            {
                s.Append('%');
                i++;
                continue;
            }
            var start = i++;
            var flags = "";
            while (i < format.Length && format[i] is '-' or '+' or ' ' or '#' or '0') flags += format[i++];
            int? width = null, precision = null;
            if (i < format.Length && format[i] == '*')
            {
                var w = (int)Clamp(Arg().ToNumber());
                if (w < 0) { flags += "-"; w = -w; }
                width = w;
                i++;
            }
            else width = Digits(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (i < format.Length && format[i] == '*')
                {
                    var p = (int)Clamp(Arg().ToNumber());
                    precision = p < 0 ? null : p;
                    i++;
                }
                else precision = Digits(format, ref i) ?? 0;
            }
            while (i < format.Length && format[i] is 'h' or 'l' or 'L' or 'q' or 'j' or 'z' or 't') i++;
            if (i == format.Length)
            {
                s.Append(format, start, i - start);
                break;
            }
            var conversion = format[i];
            var spec = new CFormatSpec(flags, width, precision, conversion);
            switch (conversion)
            {
                case 'd' or 'i':
                    s.Append(CFormat.Signed(Integer(Arg().ToNumber()), spec with { Conversion = 'd' }));
                    break;
                case 'o' or 'x' or 'X' or 'u':
                    s.Append(CFormat.Unsigned(unchecked((ulong)Integer(Arg().ToNumber())), spec));
                    break;
                case 'e' or 'E' or 'f' or 'F' or 'g' or 'G':
                    s.Append(CFormat.Floating(CNumber.Of(Arg().ToNumber()), spec));
                    break;
                case 'c':
                    s.Append(CFormat.Pad(Character(Arg(), convfmt), spec with { Precision = null }));
                    break;
                case 's':
                    var text = Text(Arg(), convfmt);
                    if (precision is { } most && most < text.Length) text = text[..most];
                    s.Append(CFormat.Pad(text, spec));
                    break;
                default:
                    s.Append(format, start, i - start + 1);
                    break;
            }
        }
        return s.ToString();
    }

    private static int? Digits(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
        return i == start ? null : int.Parse(format.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double Clamp(double n) => double.IsNaN(n) ? 0 : Math.Clamp(n, int.MinValue, int.MaxValue);

    // %d of a double: truncated toward zero, clamped to C's long.
    private static long Integer(double n) =>
        double.IsNaN(n) ? long.MinValue : n >= 9.2233720368547758e18 ? long.MaxValue : n <= -9.2233720368547758e18 ? long.MinValue : (long)n;

    // %c: a number is a character code, a string gives its first character (an empty one a NUL).
    private static string Character(AwkValue v, string convfmt)
    {
        if (v.Kind == AwkKind.Number)
        {
            var code = (long)v.Number;
            return code is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF) ? char.ConvertFromUtf32((int)code) : "\0";
        }
        var text = Text(v, convfmt);
        if (text.Length == 0) return "\0";
        return char.IsHighSurrogate(text[0]) && text.Length > 1 ? text[..2] : text[..1];
    }

    public static string Text(AwkValue v, string convfmt) => v.Kind switch
    {
        AwkKind.Number => AwkNumbers.ToText(v.Number, convfmt),
        AwkKind.Uninit => "",
        _ => v.Text!,
    };
}
