// awk's values: numbers, strings, the "strnum" of input, and the uninitialised value, with POSIX's conversions.
using System.Globalization;

namespace Ssi.Vproc.Programs.Builtin;

public enum AwkKind
{
    Uninit,
    Number,
    String,
    /// <summary>Text from input (fields, getline, split, ARGV, ENVIRON, -v) that looks like a number: compares as one.</summary>
    StrNum,
}

/// <summary>One awk value. A StrNum keeps its text and its number; a String's number is read when needed.</summary>
public readonly record struct AwkValue(AwkKind Kind, double Number, string? Text)
{
    public static readonly AwkValue Uninit = new(AwkKind.Uninit, 0, null);
    public static readonly AwkValue Empty = new(AwkKind.String, 0, "");

    public static AwkValue Of(double n) => new(AwkKind.Number, n, null);

    public static AwkValue Of(string s) => new(AwkKind.String, 0, s);

    public static AwkValue Of(bool b) => new(AwkKind.Number, b ? 1 : 0, null);

    /// <summary>Text that came from input: a strnum when all of it reads as a number.</summary>
    public static AwkValue Input(string s) =>
        AwkNumbers.LooksNumeric(s, out var n) ? new(AwkKind.StrNum, n, s) : new(AwkKind.String, 0, s);

    public bool IsNumeric => Kind is AwkKind.Number or AwkKind.StrNum;

    public double ToNumber() => Kind switch
    {
        AwkKind.Number or AwkKind.StrNum => Number,
        AwkKind.String => AwkNumbers.Parse(Text!),
        _ => 0,
    };

    public bool ToBool() => Kind switch
    {
        AwkKind.Number or AwkKind.StrNum => Number != 0,
        AwkKind.String => Text!.Length > 0,
        _ => false,
    };
}

/// <summary>Reading numbers out of text and writing them back, as awk does.</summary>
public static class AwkNumbers
{
    /// <summary>The leading number of a string, as strtod reads it (decimal only); 0 for none.</summary>
    public static double Parse(string s)
    {
        var i = 0;
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v') i++;
        var end = Scan(s, i);
        return end > i && double.TryParse(s.AsSpan(i, end - i), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>Whether the whole string, blanks aside, is a number (POSIX's numeric string).</summary>
    public static bool LooksNumeric(string s, out double n)
    {
        n = 0;
        var i = 0;
        while (i < s.Length && s[i] is ' ' or '\t' or '\n') i++;
        var end = Scan(s, i);
        if (end == i) return false;
        var j = end;
        while (j < s.Length && s[j] is ' ' or '\t' or '\n') j++;
        if (j != s.Length) return false;
        return double.TryParse(s.AsSpan(i, end - i), NumberStyles.Float, CultureInfo.InvariantCulture, out n);
    }

    // The end of the number starting at i: sign, digits, point, digits, exponent; i itself when there is none.
    private static int Scan(string s, int i)
    {
        var start = i;
        if (i < s.Length && s[i] is '+' or '-') i++;
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        }
        if (digits == 0) return start;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var k = i + 1;
            if (k < s.Length && s[k] is '+' or '-') k++;
            if (k < s.Length && char.IsAsciiDigit(s[k]))
            {
                while (k < s.Length && char.IsAsciiDigit(s[k])) k++;
                i = k;
            }
        }
        return i;
    }

    /// <summary>A number as text: integral values as integers, others through <paramref name="format"/> (CONVFMT or OFMT).</summary>
    public static string ToText(double n, string format)
    {
        if (n == Math.Floor(n) && Math.Abs(n) < 1e16) return ((long)n).ToString(CultureInfo.InvariantCulture);
        if (double.IsNaN(n)) return n < 0 || double.IsNegative(n) ? "-nan" : "nan";
        if (double.IsInfinity(n)) return n < 0 ? "-inf" : "inf";
        return AwkFormat.Sprintf(format, [AwkValue.Of(n)], format);
    }
}
