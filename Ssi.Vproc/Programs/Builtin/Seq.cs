// seq: numbers from FIRST to LAST by INCREMENT, exact (integers of any size, decimals without binary rounding).
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// seq [-w] [-f FORMAT] [-s STRING] [FIRST [INCREMENT]] LAST. Integers count in BigInteger; other numbers in decimal
/// arithmetic, printed with the larger precision of FIRST and INCREMENT as GNU prints them ("%.Nf"), so 0 0.1 0.3
/// reaches 0.3. -f takes one %e, %f or %g directive with flags, width and precision.
/// </summary>
public sealed class Seq : Program
{
    private static readonly OptionSpec Spec = new("f:s:w", ["format=f", "separator=s", "equal-width=w"], """
        Usage: seq [OPTION]... LAST
          or:  seq [OPTION]... FIRST LAST
          or:  seq [OPTION]... FIRST INCREMENT LAST
        Print numbers from FIRST to LAST, in steps of INCREMENT.

        Mandatory arguments to long options are mandatory for short options too.
          -f, --format=FORMAT      use printf style floating-point FORMAT
          -s, --separator=STRING   use STRING to separate numbers (default: \n)
          -w, --equal-width        equalize width by padding with leading zeroes
              --help     display this help and exit

        If FIRST or INCREMENT is omitted, it defaults to 1.  That is, an
        omitted INCREMENT defaults to 1 even when LAST is smaller than FIRST.
        The sequence of numbers ends when the sum of the current number and
        INCREMENT would become greater than LAST.
        FIRST, INCREMENT, and LAST are interpreted as floating point values.

        """);

    /// <summary>Output is written in pieces of about this size.</summary>
    private const int Batch = 16 * 1024;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // A negative number ends the options: "seq -1 1" counts from -1.
        var split = Array.FindIndex(p.Args, 1, a => a.Length > 1 && a[0] == '-' && (char.IsAsciiDigit(a[1]) || a[1] == '.'));
        if (split < 0) split = p.Args.Length;
        var o = Options.Parse(p.Args[1..split], Spec);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var operands = o.Operands.Concat(p.Args[split..]).ToList();
        string? complaint = operands.Count == 0 ? "missing operand" : operands.Count > 3 ? $"extra operand {Io.Quote(operands[3])}" : null;
        var numbers = new List<SeqNumber>();
        foreach (var text in operands.Take(3))
        {
            if (complaint is not null) break;
            if (SeqNumber.Parse(text) is { } n) numbers.Add(n);
            else complaint = $"invalid floating point argument: {Io.Quote(text)}";
        }
        if (complaint is null && numbers.Count == 3 && numbers[1].Value == 0) complaint = $"invalid Zero increment value: {Io.Quote(operands[1])}";
        var format = o.Value('f');
        if (complaint is null && format is not null && o.Has('w')) complaint = "format string may not be specified when printing equal width strings";
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        SeqFormat? custom = null;
        if (format is not null)
        {
            (custom, var error) = SeqFormat.Parse(format);
            if (error is not null)
            {
                yield return Io.Complain(p, error);
                yield return new Exit(1);
                yield break;
            }
        }
        var first = numbers.Count > 1 ? numbers[0] : SeqNumber.One;
        var step = numbers.Count == 3 ? numbers[1] : SeqNumber.One;
        var last = numbers[^1];
        var precision = Math.Max(first.Precision, step.Precision);
        var integers = custom is null && first.IsInteger && step.IsInteger && last.IsInteger;
        var width = 0;
        if (o.Has('w'))
            width = Math.Max(Math.Max(Fixed(first.Value, precision).Length, Fixed(last.Value, precision).Length),
                Math.Max(first.Width(precision), last.Width(precision)));
        var separator = o.Value('s') ?? "\n";
        var output = new StringBuilder();
        var any = false;
        for (var i = 0m; ; i++)
        {
            var value = first.Value + i * step.Value;
            if (step.Value > 0 ? value > last.Value : value < last.Value) break;
            if (any) output.Append(separator);
            any = true;
            // The first number is FIRST itself, so "-0" stays negative zero ("-0.00"), as GNU prints it.
            var number = i == 0 && first.NegativeZero ? new CNumber(0m, -0.0) : CNumber.Of(value);
            var text = custom is not null ? custom.Format(number)
                : integers ? value.ToString("0", CultureInfo.InvariantCulture)
                : CFormat.Floating(number, new CFormatSpec("", null, precision, 'f'));
            if (width > 0) text = text.StartsWith('-') ? "-" + text[1..].PadLeft(width - 1, '0') : text.PadLeft(width, '0');
            output.Append(text);
            if (output.Length >= Batch)
            {
                yield return Io.Out(output.ToString());
                if (p.Failed) break;
                output.Clear();
            }
        }
        if (p.Failed)
        {
            yield return Io.Report(p, "write error");
            yield return new Exit(1);
            yield break;
        }
        if (any) output.Append('\n');
        if (output.Length > 0) yield return Io.Out(output.ToString());
        if (p.Failed)
        {
            yield return Io.Report(p, "write error");
            yield return new Exit(1);
        }
    }

    private static string Fixed(decimal value, int precision) =>
        CFormat.Floating(CNumber.Of(value), new CFormatSpec("", null, precision, 'f'));
}

/// <summary>A number of seq's command line, with the digits after its point that decide the output's precision.</summary>
public sealed record SeqNumber(decimal Value, int Precision, bool IsInteger, string Text = "1")
{
    public bool NegativeZero => Value == 0 && Text.TrimStart().StartsWith('-');

    public static readonly SeqNumber One = new(1, 0, true);

    /// <summary>The width -w gives it, as GNU counts it: the text as typed ("003" is 3 wide), widened to the precision.</summary>
    public int Width(int precision)
    {
        if (Text.Contains('e') || Text.Contains('E')) return 0;
        return Text.TrimStart('+').Length + (precision - Precision) + (Precision == 0 && precision > 0 ? 1 : 0);
    }

    public static SeqNumber? Parse(string text)
    {
        var (number, used) = CNumbers.ParseFloating(text);
        if (used == 0 || used < text.Length || number.Exact is not { } value) return null;
        var body = text.Trim();
        var e = body.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? body : body[..e];
        var exponent = e < 0 ? 0 : int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var fraction = point < 0 ? 0 : mantissa.Length - point - 1;
        return new SeqNumber(value, Math.Max(0, fraction - exponent), point < 0 && e < 0, body);
    }
}

/// <summary>seq -f: text around one floating-point directive, "%%" for a percent sign.</summary>
public sealed record SeqFormat(string Before, CFormatSpec Spec, string After)
{
    public string Format(CNumber value) => Before + CFormat.Floating(value, Spec) + After;

    public static (SeqFormat? Format, string? Error) Parse(string format)
    {
        var before = new StringBuilder();
        var i = 0;
        for (; i < format.Length; i++)
        {
            if (format[i] != '%') before.Append(format[i]);
            else if (i + 1 < format.Length && format[i + 1] == '%') before.Append(format[++i]);
            else break;
        }
        if (i == format.Length) return (null, $"format {Io.Quote(format)} has no % directive");
        i++;
        var flags = "";
        while (i < format.Length && "-+ #0'".Contains(format[i])) flags += format[i++];
        var widthStart = i;
        while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
        int? width = i > widthStart ? int.Parse(format[widthStart..i], CultureInfo.InvariantCulture) : null;
        int? precision = null;
        if (i < format.Length && format[i] == '.')
        {
            var precisionStart = ++i;
            while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
            precision = i > precisionStart ? int.Parse(format[precisionStart..i], CultureInfo.InvariantCulture) : 0;
        }
        if (i < format.Length && format[i] == 'L') i++;
        if (i == format.Length || !"eEfFgG".Contains(format[i]))
            return (null, i == format.Length ? $"format {Io.Quote(format)} ends in %" : $"format {Io.Quote(format)} has unknown %{format[i]} directive");
        var spec = new CFormatSpec(flags, width, precision, format[i]);
        var after = new StringBuilder();
        for (i++; i < format.Length; i++)
        {
            if (format[i] != '%') after.Append(format[i]);
            else if (i + 1 < format.Length && format[i + 1] == '%') after.Append(format[++i]);
            else return (null, $"format {Io.Quote(format)} has too many % directives");
        }
        return (new SeqFormat(before.ToString(), spec, after.ToString()), null);
    }
}
