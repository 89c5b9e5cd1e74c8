// nl: lines numbered by section (header, body, footer between \:\:\: \:\: \: lines), styles a/t/n/pBRE, formats ln/rn/rz.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>nl [-p] [-b|-h|-f STYLE] [-d CC] [-i N] [-l N] [-n FORMAT] [-s STRING] [-v N] [-w N] [FILE]...</summary>
public sealed class Nl : Program
{
    private static readonly OptionSpec Spec = new("b:d:f:h:i:l:n:ps:v:w:",
        ["body-numbering=b", "section-delimiter=d", "footer-numbering=f", "header-numbering=h", "line-increment=i", "join-blank-lines=l",
         "number-format=n", "no-renumber=p", "number-separator=s", "starting-line-number=v", "number-width=w"],
        """
        Usage: nl [OPTION]... [FILE]...
        Write each FILE to standard output, with line numbers added.

        With no FILE, or when FILE is -, read standard input.

        Mandatory arguments to long options are mandatory for short options too.
          -b, --body-numbering=STYLE      use STYLE for numbering body lines
          -d, --section-delimiter=CC      use CC for logical page delimiters
          -f, --footer-numbering=STYLE    use STYLE for numbering footer lines
          -h, --header-numbering=STYLE    use STYLE for numbering header lines
          -i, --line-increment=NUMBER     line number increment at each line
          -l, --join-blank-lines=NUMBER   group of NUMBER empty lines counted as one
          -n, --number-format=FORMAT      insert line numbers according to FORMAT
          -p, --no-renumber               do not reset line numbers for each section
          -s, --number-separator=STRING   add STRING after (possible) line number
          -v, --starting-line-number=NUMBER  first line number for each section
          -w, --number-width=NUMBER       use NUMBER columns for line numbers
              --help     display this help and exit

        Default options are: -bt -d'\:' -fn -hn -i1 -l1 -n'rn' -s<TAB> -v1 -w6

        CC are two delimiter characters used to construct logical page delimiters;
        a missing second character implies ':'.

        STYLE is one of:

          a      number all lines
          t      number only nonempty lines
          n      number no lines
          pBRE   number only lines that contain a match for the basic regular
                 expression, BRE

        FORMAT is one of:

          ln     left justified, no leading zeros
          rn     right justified, no leading zeros
          rz     right justified, leading zeros

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var (numbering, complaint, badNumber) = NlNumbering.Read(o);
        if (complaint is not null && badNumber)
        {
            // A bad number is not a usage error to GNU's nl: no "Try" line.
            yield return Io.Complain(p, complaint);
            yield return new Exit(1);
            yield break;
        }
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var inputs = new Inputs(o.Operands);
        while (true)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            var splitter = new LineSplitter();
            var atEnd = false;
            while (!atEnd)
            {
                yield return new Read(inputs.Fd, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, inputs.Name);
                    inputs.Fail();
                    break;
                }
                atEnd = p.Result.Data.Length == 0;
                var lines = atEnd ? (splitter.Rest() is { } rest ? [rest] : []) : splitter.Feed(p.Result.Data);
                if (lines.Count == 0) continue;
                var output = new List<byte>();
                foreach (var line in lines) numbering!.Number(line, output);
                yield return new Write(Io.Stdout, [.. output]);
                if (p.Failed)
                {
                    yield return Io.Report(p, "write error");
                    yield return new Exit(1);
                    yield break;
                }
            }
        }
        yield return new Exit(inputs.Status);
    }
}

/// <summary>nl's state across lines and files: the section, the next number, the blank lines seen in a row.</summary>
public sealed class NlNumbering
{
    private string[] _styles = ["n", "t", "n"]; // header, body, footer
    private string _delimiter = "\\:";
    private long _increment = 1;
    private long _joinBlank = 1;
    private string _format = "rn";
    private bool _renumber = true;
    private string _separator = "\t";
    private long _start = 1;
    private int _width = 6;
    private int _section = 1;
    private long _next;
    private long _blanks;

    public static (NlNumbering? Numbering, string? Complaint, bool BadNumber) Read(Options o)
    {
        var n = new NlNumbering();
        var sections = new[] { ('h', "header"), ('b', "body"), ('f', "footer") };
        for (var i = 0; i < 3; i++)
            if (o.Value(sections[i].Item1) is { } style)
            {
                if (style is not ("a" or "t" or "n") && !(style.StartsWith('p') && Valid(style[1..])))
                    return (null, $"invalid {sections[i].Item2} numbering style: {Io.Quote(style)}", false);
                n._styles[i] = style;
            }
        if (o.Value('d') is { } d) n._delimiter = d.Length == 1 ? d + ":" : d;
        if (o.Value('n') is { } format)
        {
            if (format is not ("ln" or "rn" or "rz")) return (null, $"invalid line numbering format: {Io.Quote(format)}", false);
            n._format = format;
        }
        if (o.Value('s') is { } separator) n._separator = separator;
        n._renumber = !o.Has('p');
        string? complaint = null;
        n._increment = Number(o, 'i', "line number increment", long.MinValue, ref complaint);
        n._joinBlank = Number(o, 'l', "line number of blank lines", 1, ref complaint);
        n._start = Number(o, 'v', "starting line number", long.MinValue, ref complaint);
        n._width = (int)Number(o, 'w', "line number field width", 1, ref complaint);
        if (!o.Has('i')) n._increment = 1;
        if (!o.Has('l')) n._joinBlank = 1;
        if (!o.Has('v')) n._start = 1;
        if (!o.Has('w')) n._width = 6;
        n._next = n._start;
        return complaint is null ? (n, null, false) : (null, complaint, true);
    }

    private static bool Valid(string bre) => PosixRegex.Translate(bre, extended: false).Error is null;

    private static long Number(Options o, char option, string what, long minimum, ref string? complaint)
    {
        if (o.Value(option) is not { } text) return minimum;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            complaint ??= $"invalid {what}: {Io.Quote(text)}";
        else if (value < minimum || (option == 'w' && value > int.MaxValue))
            complaint ??= $"invalid {what}: {Io.Quote(text)}: Numerical result out of range";
        return value;
    }

    public void Number(byte[] line, List<byte> output)
    {
        var text = Io.Text(line);
        // A line of one, two or three delimiters starts a footer, body or header.
        for (var kind = 3; kind >= 1; kind--)
            if (text == string.Concat(Enumerable.Repeat(_delimiter, kind)) && _delimiter.Length > 0)
            {
                _section = 3 - kind;
                if (_renumber) _next = _start;
                _blanks = 0;
                output.Add((byte)'\n');
                return;
            }
        var style = _styles[_section];
        bool numbered;
        if (style == "a" && line.Length == 0)
        {
            // -l N: of N blank lines in a row, only the last is numbered.
            numbered = ++_blanks >= _joinBlank;
            if (numbered) _blanks = 0;
        }
        else
        {
            _blanks = 0;
            numbered = style switch
            {
                "a" => true,
                "t" => line.Length > 0,
                "n" => false,
                _ => PosixRegex.Compiled(PosixRegex.Translate(style[1..], extended: false).Pattern, false).IsMatch(text),
            };
        }
        var prefix = new StringBuilder();
        if (numbered)
        {
            var number = _next.ToString(CultureInfo.InvariantCulture);
            prefix.Append(_format switch
            {
                "ln" => number.PadRight(_width),
                "rz" => _next < 0 ? "-" + (-_next).ToString(CultureInfo.InvariantCulture).PadLeft(_width - 1, '0') : number.PadLeft(_width, '0'),
                _ => number.PadLeft(_width),
            });
            prefix.Append(_separator);
            _next += _increment;
        }
        else prefix.Append(' ', _width + _separator.Length);
        output.AddRange(Io.Bytes(prefix.ToString()));
        output.AddRange(line);
        output.Add((byte)'\n');
    }
}
