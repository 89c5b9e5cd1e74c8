// true, false, echo, sleep: the smallest programs of /bin.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;

namespace Ssi.Vproc.Programs.Builtin;

public sealed class True : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield break;
    }
}

public sealed class False : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Exit(1);
    }
}

/// <summary>
/// echo [-neE] [STRING]...: GNU's echo. Leading arguments made only of n, e and E are options (so "-En" is one and
/// "-nex" is text); -e reads the escapes \a \b \c \e \f \n \r \t \v \\ \0NNN \NNN and \xHH.
/// </summary>
public sealed class Echo : Program
{
    private const string Usage = """
        Usage: echo [SHORT-OPTION]... [STRING]...
        Echo the STRING(s) to standard output.

          -n             do not output the trailing newline
          -e             enable interpretation of backslash escapes
          -E             disable interpretation of backslash escapes (default)
              --help     display this help and exit

        """;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // As GNU: --help only alone, and never an error for an unknown option: it is printed.
        if (p.Args is [_, "--help"])
        {
            yield return Io.Out(Usage);
            yield break;
        }
        var first = 1;
        var newline = true;
        var escapes = false;
        for (; first < p.Args.Length && IsOptionCluster(p.Args[first]); first++)
            foreach (var letter in p.Args[first].AsSpan(1))
            {
                if (letter == 'n') newline = false;
                else escapes = letter == 'e';
            }
        var text = Io.Bytes(string.Join(' ', p.Args.Skip(first)));
        var output = new List<byte>(text.Length + 1);
        var stopped = escapes && Unescape(text, output);
        if (!escapes) output.AddRange(text);
        if (newline && !stopped) output.Add((byte)'\n');
        yield return new Write(Io.Stdout, [.. output]);
        if (p.Failed) yield return new Exit(1);
    }

    private static bool IsOptionCluster(string arg) => arg.Length > 1 && arg[0] == '-' && arg.AsSpan(1).IndexOfAnyExcept("neE") < 0;

    /// <summary>Appends <paramref name="text"/> with its escapes read as GNU's echo -e reads them; true if \c stopped it.</summary>
    public static bool Unescape(byte[] text, List<byte> output)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                output.Add(text[i]);
                continue;
            }
            var c = text[++i];
            switch ((char)c)
            {
                case 'a': output.Add(7); break;
                case 'b': output.Add(8); break;
                case 'c': return true;
                case 'e': output.Add(0x1B); break;
                case 'f': output.Add(12); break;
                case 'n': output.Add(10); break;
                case 'r': output.Add(13); break;
                case 't': output.Add(9); break;
                case 'v': output.Add(11); break;
                case '\\': output.Add((byte)'\\'); break;
                case 'x' when i + 1 < text.Length && IsHex(text[i + 1]):
                    var hex = 0;
                    for (var digits = 0; digits < 2 && i + 1 < text.Length && IsHex(text[i + 1]); digits++)
                        hex = hex * 16 + Convert.ToInt32(((char)text[++i]).ToString(), 16);
                    output.Add((byte)hex);
                    break;
                case >= '0' and <= '7':
                    // \0 takes up to three more octal digits, \1 to \7 up to two more.
                    var octal = c - '0';
                    var more = c == '0' ? 3 : 2;
                    for (var digits = 0; digits < more && i + 1 < text.Length && text[i + 1] is >= (byte)'0' and <= (byte)'7'; digits++)
                        octal = octal * 8 + (text[++i] - '0');
                    output.Add((byte)octal);
                    break;
                default:
                    output.Add((byte)'\\');
                    output.Add(c);
                    break;
            }
        }
        return false;
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);
}

/// <summary>
/// sleep NUMBER[smhd]...: the sum of its arguments, which may have fractions ("0.25", "1.5m", "1e-3") or be "inf".
/// Long sleeps go in pieces of at most <see cref="Piece"/>, so that "inf" and days need no timer that long.
/// </summary>
public sealed class Sleep : Program
{
    private static readonly OptionSpec Spec = new("", [], """
        Usage: sleep NUMBER[SUFFIX]...
          or:  sleep OPTION
        Pause for NUMBER seconds.  SUFFIX may be 's' for seconds (the default),
        'm' for minutes, 'h' for hours or 'd' for days.  NUMBER need not be an
        integer.  Given two or more arguments, pause for the amount of time
        specified by the sum of their values.

              --help     display this help and exit

        """);

    private static readonly TimeSpan Piece = TimeSpan.FromDays(1);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Operands.Count == 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "missing operand")) yield return call;
            yield break;
        }
        var total = TimeSpan.Zero;
        var forever = false;
        for (var i = 0; i < o.Operands.Count; i++)
        {
            var arg = o.Operands[i];
            if (Parse(arg) is not { } d)
            {
                foreach (var call in CommandLine.Refuse(p, Spec, $"invalid time interval {Io.Quote(arg)}")) yield return call;
                yield break;
            }
            forever |= d == TimeSpan.MaxValue;
            if (!forever) total += d;
        }
        while (forever || total > TimeSpan.Zero)
        {
            var piece = forever || total > Piece ? Piece : total;
            yield return new Programs.Sleep(piece);
            if (p.Failed)
            {
                yield return new Exit(1);
                yield break;
            }
            total -= piece;
        }
    }

    /// <summary>NUMBER[smhd] as a duration (TimeSpan.MaxValue for "inf" or more than TimeSpan holds); null if not one.</summary>
    internal static TimeSpan? Parse(string text)
    {
        var unit = text.Length > 0 && text[^1] is 's' or 'm' or 'h' or 'd' ? text[^1] : 's';
        var number = text.Length > 0 && text[^1] is 's' or 'm' or 'h' or 'd' ? text[..^1] : text;
        var (value, used) = CNumbers.ParseFloating(number);
        var seconds = value.Exact is { } exact ? (double)exact : value.Approximate;
        if (used == 0 || used < number.Length || seconds < 0 || double.IsNaN(seconds)) return null;
        var scaled = unit switch { 'm' => seconds * 60, 'h' => seconds * 3600, 'd' => seconds * 86400, _ => seconds };
        return scaled >= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(scaled);
    }
}
