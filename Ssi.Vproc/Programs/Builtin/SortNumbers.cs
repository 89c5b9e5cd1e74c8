// The numbers of sort -n, -g, -h and -M, read and compared as GNU sort reads them in the C locale.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

public static class SortNumbers
{
    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    private static ReadOnlySpan<byte> SkipBlanks(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && IsBlank(s[i])) i++;
        return s[i..];
    }

    /// <summary>-n: an optional '-', digits, an optional '.' and digits; anything else reads as 0. Exact, any length.</summary>
    public static int CompareNumeric(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var x = new DecimalText(SkipBlanks(a));
        var y = new DecimalText(SkipBlanks(b));
        if (x.Negative != y.Negative) return x.Negative ? -1 : 1;
        var magnitude = x.Integer.Length != y.Integer.Length
            ? x.Integer.Length.CompareTo(y.Integer.Length)
            : Math.Sign(x.Integer.SequenceCompareTo(y.Integer)) is var i and not 0 ? i : Math.Sign(x.Fraction.SequenceCompareTo(y.Fraction));
        return x.Negative ? -magnitude : magnitude;
    }

    /// <summary>
    /// The number at the start of a key: the integer digits without leading zeros, the fraction without trailing ones,
    /// and the length read; zero is never negative.
    /// </summary>
    private readonly ref struct DecimalText
    {
        public readonly bool Negative;
        public readonly ReadOnlySpan<byte> Integer, Fraction;
        public readonly int Length;

        public DecimalText(ReadOnlySpan<byte> s)
        {
            var at = 0;
            var negative = at < s.Length && s[at] == '-';
            if (negative) at++;
            var start = at;
            while (at < s.Length && char.IsAsciiDigit((char)s[at])) at++;
            Integer = s[start..at].TrimStart((byte)'0');
            Fraction = [];
            if (at < s.Length && s[at] == '.')
            {
                var fractionStart = ++at;
                while (at < s.Length && char.IsAsciiDigit((char)s[at])) at++;
                Fraction = s[fractionStart..at].TrimEnd((byte)'0');
            }
            Length = at;
            Negative = negative && !IsZero;
        }

        public bool IsZero => Integer.Length == 0 && Fraction.Length == 0;
    }

    /// <summary>-h: the unit (K M G T P E Z Y R Q) first, then the number; a unit counts only after a nonzero number.</summary>
    public static int CompareHuman(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        a = SkipBlanks(a);
        b = SkipBlanks(b);
        var diff = UnitOrder(a) - UnitOrder(b);
        return diff != 0 ? diff : CompareNumeric(a, b);
    }

    private static int UnitOrder(ReadOnlySpan<byte> s)
    {
        var number = new DecimalText(s);
        if (number.IsZero || number.Length >= s.Length) return 0;
        var unit = (char)s[number.Length];
        var order = unit == 'k' ? 1 : "KMGTPEZYRQ".IndexOf(unit) + 1;
        return number.Negative ? -order : order;
    }

    /// <summary>-g: strtold's prefix; what does not convert comes first, then NaN, then the numbers.</summary>
    public static int CompareGeneral(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var x = General(a);
        var y = General(b);
        if (x is null) return y is null ? 0 : -1;
        if (y is null) return 1;
        if (double.IsNaN(x.Value)) return double.IsNaN(y.Value) ? 0 : -1;
        if (double.IsNaN(y.Value)) return 1;
        return x.Value.CompareTo(y.Value);
    }

    private static double? General(ReadOnlySpan<byte> s)
    {
        var text = Encoding.Latin1.GetString(s).TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        var at = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        var negative = at == 1 && text[0] == '-';
        var rest = text[at..];
        if (rest.StartsWith("inf", StringComparison.OrdinalIgnoreCase)) return negative ? double.NegativeInfinity : double.PositiveInfinity;
        if (rest.StartsWith("nan", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        var end = at;
        var digits = 0;
        while (end < text.Length && char.IsAsciiDigit(text[end])) (end, digits) = (end + 1, digits + 1);
        if (end < text.Length && text[end] == '.')
            for (end++; end < text.Length && char.IsAsciiDigit(text[end]); end++) digits++;
        if (digits == 0) return null;
        if (end < text.Length && text[end] is 'e' or 'E')
        {
            var exponent = end + 1;
            if (exponent < text.Length && text[exponent] is '+' or '-') exponent++;
            if (exponent < text.Length && char.IsAsciiDigit(text[exponent]))
                for (end = exponent; end < text.Length && char.IsAsciiDigit(text[end]); end++) { }
        }
        return double.Parse(text.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>-M: 1 to 12 for a key starting (after blanks) with a month's abbreviation in any case, else 0.</summary>
    public static int Month(ReadOnlySpan<byte> s)
    {
        s = SkipBlanks(s);
        if (s.Length < 3) return 0;
        var start = Encoding.ASCII.GetString(s[..3]).ToUpperInvariant();
        return Array.IndexOf(Months, start) + 1;
    }
}
