// printf: GNU's printf(1), the format reused until the arguments run out; the formatting itself is in PrintfFormat.
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// printf FORMAT [ARGUMENT]...: the directives %d %i %o %u %x %X %f %F %e %E %g %G %c %s %b %% with the flags
/// "-+ #0", widths and precisions (also as *), and the escapes of printf(1). Bad numbers are reported and printed as
/// what was converted, with exit status 1, as GNU does. %a, %A and %q are refused.
/// </summary>
public sealed class Printf : Program
{
    private static readonly OptionSpec Spec = new("", [], """
        Usage: printf FORMAT [ARGUMENT]...
          or:  printf OPTION
        Print ARGUMENT(s) according to FORMAT, or execute according to OPTION:

              --help     display this help and exit

        FORMAT controls the output as in C printf.  Interpreted sequences are:

          \"      double quote
          \\      backslash
          \a      alert (BEL)
          \b      backspace
          \c      produce no further output
          \e      escape
          \f      form feed
          \n      new line
          \r      carriage return
          \t      horizontal tab
          \v      vertical tab
          \NNN    byte with octal value NNN (1 to 3 digits)
          \xHH    byte with hexadecimal value HH (1 to 2 digits)
          \uHHHH  Unicode (ISO/IEC 10646) character with hex value HHHH (4 digits)
          \UHHHHHHHH  Unicode character with hex value HHHHHHHH (8 digits)
          %%      a single %
          %b      ARGUMENT as a string with '\' escapes interpreted,
                  except that octal escapes are of the form \0 or \0NNN

        and all C format specifications ending with one of diouxXfeEgGcs, with
        ARGUMENTs converted to proper type first.  Variable widths are handled.

        """);

    /// <summary>As the shell's builtin, like dash's: an empty or lone-quote number is 0, and '0' is ignored for %s and %c.</summary>
    public bool AsShellBuiltin { get; init; }

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        // As GNU: options only as the sole argument, and a leading "--" is skipped.
        if (p.Args is [_, "--help"])
        {
            yield return Io.Out(Spec.Usage);
            yield break;
        }
        var args = p.Args.Skip(1).ToList();
        if (args.Count > 0 && args[0] == "--") args.RemoveAt(0);
        if (args.Count == 0)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, "missing operand")) yield return call;
            yield break;
        }
        var run = new PrintfFormat(Io.Bytes(args[0]), args.Skip(1).ToList(), Locale.IsUtf8(p.Environment)) { Lenient = AsShellBuiltin };
        run.Run();
        foreach (var message in run.Messages) yield return Io.Complain(p, message);
        if (run.Output.Count > 0)
        {
            yield return new Write(Io.Stdout, [.. run.Output]);
            if (p.Failed)
            {
                yield return Io.Report(p, "write error");
                yield return new Exit(1);
                yield break;
            }
        }
        yield return new Exit(run.Status);
    }
}

/// <summary>One run of printf(1) over its arguments, without system calls: the bytes out, the messages, the status.</summary>
public sealed class PrintfFormat(byte[] format, List<string> args, bool utf8 = true)
{
    private int _next;
    private bool _stopped;

    /// <summary>The shell builtin's leniency (see <see cref="Printf.AsShellBuiltin"/>).</summary>
    public bool Lenient { get; init; }

    public List<byte> Output { get; } = [];
    public List<string> Messages { get; } = [];
    public int Status { get; private set; }

    public void Run()
    {
        // The format is reused while it takes arguments and some are left.
        do
        {
            var before = _next;
            if (!Once()) return;
            if (_next == before) break;
        }
        while (_next < args.Count && !_stopped);
        if (_next < args.Count && !_stopped)
            Messages.Add($"warning: ignoring excess arguments, starting with {Io.Quote(args[_next])}");
    }

    // One pass over the format; false if it ended the run (\c or a bad directive).
    private bool Once()
    {
        for (var i = 0; i < format.Length; i++)
        {
            var b = format[i];
            if (b == '\\')
            {
                i = Escape(format, i, octalZero: false, Output);
                if (_stopped) return false;
            }
            else if (b == '%')
            {
                var end = Directive(i);
                if (end < 0) return false;
                i = end;
                if (_stopped) return false;
            }
            else Output.Add(b);
        }
        return true;
    }

    private string? NextArg() => _next < args.Count ? args[_next++] : null;

    // A % directive at i; the index of its last byte, or -1 after an invalid one.
    private int Directive(int start)
    {
        var i = start + 1;
        if (i < format.Length && format[i] == '%')
        {
            Output.Add((byte)'%');
            return i;
        }
        if (i < format.Length && format[i] == 'b')
        {
            if (NextArg() is { } escaped) Escapes(Io.Bytes(escaped));
            return i;
        }
        var flags = "";
        while (i < format.Length && "-+ #0'".Contains((char)format[i])) flags += (char)format[i++];
        int? width = null, precision = null;
        if (i < format.Length && format[i] == '*')
        {
            i++;
            width = (int)Math.Clamp(Integer(NextArg()), int.MinValue, int.MaxValue);
            if (width < 0)
            {
                flags += '-';
                width = -width;
            }
        }
        else
        {
            var digits = i;
            while (i < format.Length && char.IsAsciiDigit((char)format[i])) i++;
            if (i > digits) width = int.Parse(Encoding.ASCII.GetString(format, digits, i - digits), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (i < format.Length && format[i] == '.')
        {
            i++;
            if (i < format.Length && format[i] == '*')
            {
                i++;
                var given = Integer(NextArg());
                precision = given < 0 ? null : (int)Math.Min(given, int.MaxValue);
            }
            else
            {
                var digits = i;
                while (i < format.Length && char.IsAsciiDigit((char)format[i])) i++;
                precision = i > digits ? int.Parse(Encoding.ASCII.GetString(format, digits, i - digits), System.Globalization.CultureInfo.InvariantCulture) : 0;
            }
        }
        // Length modifiers mean nothing to printf(1): every number is intmax_t or long double.
        while (i < format.Length && "hlLjqtz".Contains((char)format[i])) i++;
        var conversion = i < format.Length ? (char)format[i] : '\0';
        if (Lenient && conversion is 's' or 'c') flags = flags.Replace("0", "");
        var spec = new CFormatSpec(flags, width, precision, conversion);
        if (!"diouxXfFeEgGcs".Contains(conversion) || conversion == '\0' || !spec.IsValid)
        {
            var shown = Io.Text(format.AsSpan(start, Math.Min(i + 1, format.Length) - start));
            Messages.Add($"{shown}: invalid conversion specification");
            Status = 1;
            return -1;
        }
        var arg = NextArg();
        string text = conversion switch
        {
            'd' or 'i' => CFormat.Signed(Integer(arg), spec),
            'o' or 'u' or 'x' or 'X' => CFormat.Unsigned(Unsigned(arg), spec),
            'c' => CFormat.Pad(arg is { Length: > 0 } ? arg[..(char.IsHighSurrogate(arg[0]) && arg.Length > 1 ? 2 : 1)] : "", spec),
            's' => CFormat.Pad(precision is { } p && p < (arg ?? "").Length ? arg![..p] : arg ?? "", spec),
            _ => CFormat.Floating(Floating(arg), spec),
        };
        // %c of a missing argument prints a NUL byte, as C's printf("%c", '\0') does.
        if (conversion == 'c' && arg is null or "")
        {
            var pad = Math.Max(0, (width ?? 0) - 1);
            if (flags.Contains('-')) Output.Add(0);
            Output.AddRange(Enumerable.Repeat((byte)' ', pad));
            if (!flags.Contains('-')) Output.Add(0);
            return i;
        }
        Output.AddRange(Io.Bytes(text));
        return i;
    }

    // %b: echo-like escapes; \c ends all output.
    private void Escapes(byte[] text)
    {
        for (var i = 0; i < text.Length && !_stopped; i++)
        {
            if (text[i] == '\\') i = Escape(text, i, octalZero: true, Output);
            else Output.Add(text[i]);
        }
    }

    // The escape at text[at] (a backslash); returns the index of its last byte.
    private int Escape(byte[] text, int at, bool octalZero, List<byte> into)
    {
        var i = at + 1;
        if (i >= text.Length)
        {
            into.Add((byte)'\\');
            return at;
        }
        var c = (char)text[i];
        if (c == 'x')
        {
            var value = 0;
            var digits = 0;
            for (; digits < 2 && i + 1 < text.Length && char.IsAsciiHexDigit((char)text[i + 1]); digits++)
                value = value * 16 + Convert.ToInt32(((char)text[++i]).ToString(), 16);
            if (digits == 0) return Fail("missing hexadecimal number in escape", i);
            into.Add((byte)value);
            return i;
        }
        if (c is >= '0' and <= '7')
        {
            if (octalZero && c == '0') i++;
            else i = at + 1;
            var value = 0;
            var digits = 0;
            for (; digits < 3 && i < text.Length && text[i] is >= (byte)'0' and <= (byte)'7'; digits++) value = value * 8 + (text[i++] - '0');
            into.Add((byte)value);
            return i - 1;
        }
        if (c is 'u' or 'U')
        {
            var length = c == 'u' ? 4 : 8;
            var value = 0L;
            for (var digits = 0; digits < length; digits++)
            {
                if (i + 1 >= text.Length || !char.IsAsciiHexDigit((char)text[i + 1])) return Fail("missing hexadecimal number in escape", i);
                value = value * 16 + Convert.ToInt32(((char)text[++i]).ToString(), 16);
            }
            if (value > 0x10FFFF || value is >= 0xD800 and <= 0xDFFF)
                return Fail($"invalid universal character name \\{c}{value.ToString(length == 4 ? "X4" : "X8", System.Globalization.CultureInfo.InvariantCulture)}", i);
            // Outside UTF-8 a character beyond ASCII cannot be written: GNU prints its escape, in capitals.
            if (utf8 || value < 0x80) into.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32((int)value)));
            else into.AddRange(Io.Bytes(c + value.ToString(length == 4 ? "X4" : "X8", System.Globalization.CultureInfo.InvariantCulture)).Prepend((byte)'\\'));
            return i;
        }
        var simple = c switch
        {
            '"' => '"', '\\' => '\\', 'a' => '\a', 'b' => '\b', 'e' => '\u001b', 'f' => '\f', 'n' => '\n', 'r' => '\r',
            't' => '\t', 'v' => '\v', _ => (char?)null,
        };
        if (c == 'c')
        {
            _stopped = true;
            return i;
        }
        if (simple is { } s) into.Add((byte)s);
        else
        {
            into.Add((byte)'\\');
            into.Add(text[i]);
        }
        return i;
    }

    private int Fail(string message, int at)
    {
        Messages.Add(message);
        Status = 1;
        _stopped = true;
        return at;
    }

    // Arguments as numbers, as strtoimax/strtoumax/strtold read them, with GNU's three complaints.
    private long Integer(string? arg)
    {
        if (arg is null) return 0;
        if (Lenient && arg is "" or "'" or "\"") return 0;
        if (CharacterConstant(arg) is { } code) return code;
        var (value, used, overflow) = CNumbers.ParseInteger(arg, unsigned: false);
        Verify(arg, used, overflow);
        return (long)value;
    }

    private ulong Unsigned(string? arg)
    {
        if (arg is null) return 0;
        if (Lenient && arg is "" or "'" or "\"") return 0;
        if (CharacterConstant(arg) is { } code) return (ulong)code;
        var (value, used, overflow) = CNumbers.ParseInteger(arg, unsigned: true);
        Verify(arg, used, overflow);
        return (ulong)value;
    }

    private CNumber Floating(string? arg)
    {
        if (arg is null) return CNumber.Of(0m);
        if (Lenient && arg is "" or "'" or "\"") return CNumber.Of(0m);
        if (CharacterConstant(arg) is { } code) return CNumber.Of((decimal)code);
        var (value, used) = CNumbers.ParseFloating(arg);
        Verify(arg, used, false);
        return value;
    }

    private void Verify(string arg, int used, bool overflow)
    {
        if (overflow) Messages.Add($"{Io.Quote(arg)}: Numerical result out of range");
        else if (used == 0) Messages.Add($"{Io.Quote(arg)}: expected a numeric value");
        else if (used < arg.Length) Messages.Add($"{Io.Quote(arg)}: value not completely converted");
        else return;
        Status = 1;
    }

    // 'A or "A: the character's code; what follows the character is ignored with a warning.
    private long? CharacterConstant(string arg)
    {
        if (arg.Length < 2 || arg[0] is not ('\'' or '"')) return null;
        var length = char.IsHighSurrogate(arg[1]) && arg.Length > 2 ? 2 : 1;
        if (arg.Length > 1 + length) Messages.Add($"warning: {arg[(1 + length)..]}: character(s) following character constant have been ignored");
        return char.ConvertToUtf32(arg, 1);
    }
}
