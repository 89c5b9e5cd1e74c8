// C's printf conversions and strtoimax/strtold, for printf(1) and seq: pure functions over text.
using System.Globalization;
using System.Numerics;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>One conversion: its flags ("-+ #0"), width, precision and conversion letter.</summary>
public sealed record CFormatSpec(string Flags, int? Width, int? Precision, char Conversion)
{
    public bool Left => Flags.Contains('-');
    public bool Zero => Flags.Contains('0') && !Left;
    public bool Plus => Flags.Contains('+');
    public bool Space => Flags.Contains(' ');
    public bool Alternate => Flags.Contains('#');

    /// <summary>Whether GNU printf accepts these flags and precision with this conversion ("%05s" and "%#d" it refuses).</summary>
    public bool IsValid =>
        !(Alternate && Conversion is 'c' or 'd' or 'i' or 's' or 'u')
        && !(Flags.Contains('0') && Conversion is 'c' or 's')
        && !(Flags.Contains('\'') && Conversion is 'c' or 'e' or 'E' or 'o' or 's' or 'x' or 'X')
        && !(Precision is not null && Conversion == 'c');
}

/// <summary>A floating-point argument: exact decimal when it fits (as long double prints "%.20f" of 0.1), else a double.</summary>
public readonly record struct CNumber(decimal? Exact, double Approximate)
{
    // A decimal zero may carry a sign from arithmetic (-10 + 10); only a "-0" argument means negative zero.
    public static CNumber Of(decimal value) => new(value, value == 0 ? 0.0 : (double)value);

    public static CNumber Of(double value) => new(null, value);

    public bool IsNegative => Exact is { } d ? d < 0 || (d == 0 && Approximate is 0 && double.IsNegative(Approximate)) : double.IsNegative(Approximate);
}

public static class CFormat
{
    public static string Pad(string text, CFormatSpec spec, bool zeroAllowed = false)
    {
        var width = spec.Width ?? 0;
        if (text.Length >= width) return text;
        if (spec.Left) return text.PadRight(width);
        if (zeroAllowed && spec.Zero)
        {
            // Zeros go after the sign or 0x prefix.
            var prefix = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? 2 : text.Length > 0 && text[0] is '-' or '+' or ' ' ? 1 : 0;
            return text[..prefix] + new string('0', width - text.Length) + text[prefix..];
        }
        return text.PadLeft(width);
    }

    public static string Signed(long value, CFormatSpec spec)
    {
        var digits = Digits(BigInteger.Abs(value), 10, spec.Precision);
        var sign = value < 0 ? "-" : spec.Plus ? "+" : spec.Space ? " " : "";
        return Pad(sign + digits, spec, spec.Precision is null);
    }

    public static string Unsigned(ulong value, CFormatSpec spec)
    {
        var radix = spec.Conversion switch { 'o' => 8, 'x' or 'X' => 16, _ => 10 };
        var digits = Digits(value, radix, spec.Precision);
        if (spec.Conversion == 'X') digits = digits.ToUpperInvariant();
        if (spec.Alternate && spec.Conversion == 'o' && !digits.StartsWith('0')) digits = "0" + digits;
        if (spec.Alternate && spec.Conversion is 'x' or 'X' && value != 0) digits = (spec.Conversion == 'x' ? "0x" : "0X") + digits;
        return Pad(digits, spec, spec.Precision is null);
    }

    // The digits of a magnitude, at least `precision` of them (a zero with precision 0 has none).
    private static string Digits(BigInteger magnitude, int radix, int? precision)
    {
        if (magnitude.IsZero && precision == 0) return "";
        var text = radix switch
        {
            10 => magnitude.ToString(CultureInfo.InvariantCulture),
            16 => magnitude.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'),
            _ => ToOctal(magnitude),
        };
        if (text.Length == 0) text = "0";
        return text.PadLeft(precision ?? 1, '0');
    }

    private static string ToOctal(BigInteger value)
    {
        if (value.IsZero) return "0";
        var digits = new List<char>();
        for (; !value.IsZero; value /= 8) digits.Add((char)('0' + (int)(value % 8)));
        digits.Reverse();
        return new string([.. digits]);
    }

    /// <summary>%f %F %e %E %g %G as glibc prints them (exponents of at least two digits, inf and nan in words).</summary>
    public static string Floating(CNumber number, CFormatSpec spec)
    {
        var upper = char.IsUpper(spec.Conversion);
        var precision = spec.Precision ?? 6;
        var negative = number.IsNegative;
        var sign = negative ? "-" : spec.Plus ? "+" : spec.Space ? " " : "";
        string body;
        if (number.Exact is null && !double.IsFinite(number.Approximate))
        {
            body = double.IsNaN(number.Approximate) ? "nan" : "inf";
            if (double.IsNaN(number.Approximate)) sign = spec.Plus ? "+" : spec.Space ? " " : "";
            return Pad(sign + (upper ? body.ToUpperInvariant() : body), spec with { Flags = spec.Flags.Replace("0", "") });
        }
        var magnitude = Magnitude.Of(number);
        body = char.ToLowerInvariant(spec.Conversion) switch
        {
            'f' => magnitude.Fixed(precision, spec.Alternate),
            'e' => magnitude.Scientific(precision, spec.Alternate),
            _ => magnitude.General(precision, spec.Alternate),
        };
        if (upper) body = body.ToUpperInvariant();
        return Pad(sign + body, spec, true);
    }

    /// <summary>A non-negative number as its exact decimal digits and exponent, rounded half to even as glibc rounds.</summary>
    private sealed record Magnitude(BigInteger Digits, int Scale)
    {
        // value = Digits * 10^-Scale
        public static Magnitude Of(CNumber number)
        {
            if (number.Exact is { } d)
            {
                var bits = decimal.GetBits(Math.Abs(d));
                var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
                return new Magnitude(mantissa, (bits[3] >> 16) & 0xFF);
            }
            // A double is m * 2^e exactly; as a decimal that is m * 5^-e * 10^e for negative e.
            var x = Math.Abs(number.Approximate);
            var raw = BitConverter.DoubleToInt64Bits(x);
            var exponent = (int)((raw >> 52) & 0x7FF);
            var fraction = raw & 0xFFFFFFFFFFFFFL;
            var m = exponent == 0 ? fraction : fraction | (1L << 52);
            var e = (exponent == 0 ? 1 : exponent) - 1075;
            return e >= 0 ? new Magnitude(new BigInteger(m) << e, 0) : new Magnitude(m * BigInteger.Pow(5, -e), -e);
        }

        // The digits rounded to `places` after the point.
        private BigInteger RoundTo(int places)
        {
            if (places >= Scale) return Digits * BigInteger.Pow(10, places - Scale);
            var divisor = BigInteger.Pow(10, Scale - places);
            var quotient = BigInteger.DivRem(Digits, divisor, out var remainder);
            var twice = remainder * 2;
            if (twice > divisor || (twice == divisor && !quotient.IsEven)) quotient++;
            return quotient;
        }

        public string Fixed(int precision, bool alternate)
        {
            var text = RoundTo(precision).ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
            var point = text.Length - precision;
            return precision == 0 ? text + (alternate ? "." : "") : text[..point] + "." + text[point..];
        }

        // The decimal exponent of the leading digit (0 for zero).
        private int Exponent => Digits.IsZero ? 0 : Digits.ToString(CultureInfo.InvariantCulture).Length - 1 - Scale;

        public (BigInteger Digits, int Exponent) Significant(int precision)
        {
            var exponent = Exponent;
            var rounded = RoundTo(precision - exponent);
            // 9.99 rounded to 10.0 moves the exponent.
            if (rounded.ToString(CultureInfo.InvariantCulture).Length > precision + 1 && !Digits.IsZero)
            {
                exponent++;
                rounded = RoundTo(precision - exponent);
            }
            return (rounded, exponent);
        }

        public string Scientific(int precision, bool alternate)
        {
            var (digits, exponent) = Significant(precision);
            var text = digits.ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
            var mantissa = precision == 0 ? text + (alternate ? "." : "") : text[..1] + "." + text[1..];
            return mantissa + (exponent < 0 ? "e-" : "e+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }

        public string General(int precision, bool alternate)
        {
            var p = precision == 0 ? 1 : precision;
            var (_, exponent) = Significant(p - 1);
            var text = exponent < p && exponent >= -4 ? Fixed(p - 1 - exponent, alternate) : Scientific(p - 1, alternate);
            if (alternate) return text;
            // Without #, trailing zeros of the fraction go, and the point with them.
            var e = text.IndexOf('e');
            var mantissa = e < 0 ? text : text[..e];
            if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            return mantissa + (e < 0 ? "" : text[e..]);
        }
    }
}

public static class CNumbers
{
    /// <summary>
    /// strtoimax/strtoumax with base 0: blanks, a sign, 0x hexadecimal or 0 octal. The value (clamped on overflow, or
    /// wrapped for a negative unsigned), how many characters were used (0: none) and whether it overflowed.
    /// </summary>
    public static (BigInteger Value, int Used, bool Overflow) ParseInteger(string text, bool unsigned)
    {
        var i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-') negative = text[i++] == '-';
        var radix = 10;
        var start = i;
        if (i + 1 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 2]))
        {
            radix = 16;
            i += 2;
            start = i;
        }
        else if (i < text.Length && text[i] == '0') radix = 8;
        BigInteger value = 0;
        for (; i < text.Length; i++)
        {
            var digit = char.IsAsciiDigit(text[i]) ? text[i] - '0' : char.IsAsciiHexDigit(text[i]) ? char.ToLowerInvariant(text[i]) - 'a' + 10 : 99;
            if (digit >= radix) break;
            value = value * radix + digit;
        }
        if (i == start) return (0, 0, false);
        if (unsigned)
        {
            var overflow = value > ulong.MaxValue;
            if (overflow) return (ulong.MaxValue, i, true);
            return (negative ? (ulong.MaxValue - (ulong)value + 1) & ulong.MaxValue : value, i, false);
        }
        if (negative) value = -value;
        if (value > long.MaxValue) return (long.MaxValue, i, true);
        if (value < long.MinValue) return (long.MinValue, i, true);
        return (value, i, false);
    }

    /// <summary>strtold's longest prefix: decimal with exponent, 0x integers, inf, infinity, nan.</summary>
    public static (CNumber Value, int Used) ParseFloating(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        var signAt = i;
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-') negative = text[i++] == '-';
        foreach (var word in (string[])["infinity", "inf", "nan"])
            if (string.Compare(text, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var value = word == "nan" ? double.NaN : double.PositiveInfinity;
                return (CNumber.Of(negative ? -value : value), i + word.Length);
            }
        if (i + 2 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X' && char.IsAsciiHexDigit(text[i + 2]))
        {
            var (hex, used, _) = ParseInteger(text[signAt..], unsigned: false);
            return (CNumber.Of((double)hex), signAt + used);
        }
        var digitsStart = i;
        var sawDigit = false;
        while (i < text.Length && char.IsAsciiDigit(text[i])) (i, sawDigit) = (i + 1, true);
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) (i, sawDigit) = (i + 1, true);
        }
        if (!sawDigit) return (CNumber.Of(0m), 0);
        var end = i;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-') j++;
            var expDigits = j;
            while (j < text.Length && char.IsAsciiDigit(text[j])) j++;
            if (j > expDigits) end = j;
        }
        var number = text[signAt..end];
        if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            && (exact != 0 || text[digitsStart..end].TrimStart('0', '.').Length == 0 || !text[digitsStart..end].Any(c => c is >= '1' and <= '9')))
            return (new CNumber(exact, negative && exact == 0 ? -0.0 : (double)exact), end);
        return (CNumber.Of(double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture)), end);
    }
}
