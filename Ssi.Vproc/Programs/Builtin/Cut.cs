// cut: selected bytes or fields of each line (-c is -b, as in GNU coreutils, which cuts bytes for both).
using System.Globalization;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>cut -b LIST|-c LIST|-f LIST [-d DELIM] [-s] [-z] [--complement] [--output-delimiter=STRING] [FILE]...</summary>
public sealed class Cut : Program
{
    private static readonly OptionSpec Spec = new("b:c:d:f:nsz",
        ["bytes=b", "characters=c", "delimiter=d", "fields=f", "only-delimited=s", "zero-terminated=z", "complement", "output-delimiter:"],
        """
        Usage: cut OPTION... [FILE]...
        Print selected parts of lines from each FILE to standard output.

        With no FILE, or when FILE is -, read standard input.

        Mandatory arguments to long options are mandatory for short options too.
          -b, --bytes=LIST        select only these bytes
          -c, --characters=LIST   select only these characters
          -d, --delimiter=DELIM   use DELIM instead of TAB for field delimiter
          -f, --fields=LIST       select only these fields;  also print any line
                                    that contains no delimiter character, unless
                                    the -s option is specified
          -n                      (ignored)
              --complement        complement the set of selected bytes, characters
                                    or fields
          -s, --only-delimited    do not print lines not containing delimiters
              --output-delimiter=STRING  use STRING as the output delimiter
                                    the default is to use the input delimiter
          -z, --zero-terminated   line delimiter is NUL, not newline
              --help     display this help and exit

        Use one, and only one of -b, -c or -f.  Each LIST is made up of one
        range, or many ranges separated by commas.  Selected input is written
        in the same order that it is read, and is written exactly once.
        Each range is one of:

          N     N'th byte, character or field, counted from 1
          N-    from N'th byte, character or field, to end of line
          N-M   from N'th to M'th (included) byte, character or field
          -M    from first to M'th (included) byte, character or field

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var (selection, complaint) = Read(o);
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var end = o.Has('z') ? (byte)0 : (byte)'\n';
        var inputs = new Inputs(o.Operands);
        while (true)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            var splitter = new LineSplitter(end);
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
                var output = new List<byte>();
                foreach (var line in lines) selection!.Cut(line, output, end);
                if (output.Count == 0) continue;
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

    private static (CutSelection? Selection, string? Complaint) Read(Options o)
    {
        var kinds = o.Given.Where(g => g.Name is "b" or "c" or "f").Select(g => g.Name == "f").Distinct().Count();
        var list = o.Given.LastOrDefault(g => g.Name is "b" or "c" or "f");
        if (list is null) return (null, "you must specify a list of bytes, characters, or fields");
        if (kinds > 1 || o.Given.Count(g => g.Name is "b" or "c" or "f") > 1) return (null, "only one list may be specified");
        var fields = list.Name == "f";
        byte delimiter = (byte)'\t';
        if (o.Value('d') is { } d)
        {
            var bytes = Io.Bytes(d);
            if (bytes.Length > 1) return (null, "the delimiter must be a single character");
            delimiter = bytes.Length == 0 ? (byte)0 : bytes[0];
        }
        if (!fields && o.Has('d')) return (null, "an input delimiter may be specified only when operating on fields");
        if (!fields && o.Has('s')) return (null, "suppressing non-delimited lines makes sense\n\tonly when operating on fields");
        var (ranges, error) = CutRanges.Parse(list.Value!, fields);
        if (error is not null) return (null, error);
        var outputDelimiter = o.Value("output-delimiter") is { } od ? Io.Bytes(od) : fields ? [delimiter] : null;
        return (new CutSelection(ranges!, fields, delimiter, outputDelimiter, o.Has('s'), o.Has("complement")), null);
    }
}

/// <summary>The positions of a LIST ("1,3-5,7-"), 1-based and inclusive; an open end is int.MaxValue.</summary>
public static class CutRanges
{
    public static (List<(int From, int To)>? Ranges, string? Error) Parse(string list, bool fields)
    {
        var ranges = new List<(int, int)>();
        var numbered = fields ? "fields are numbered from 1" : "byte/character positions are numbered from 1";
        foreach (var part in list.Split(',', ' '))
        {
            var dash = part.IndexOf('-');
            var fromText = dash < 0 ? part : part[..dash];
            var toText = dash < 0 ? part : part[(dash + 1)..];
            if (part == "-") return (null, "invalid range with no endpoint: -");
            int from = 1, to = int.MaxValue;
            if (fromText.Length > 0 && !TryNumber(fromText, out from)) return (null, Invalid(fields, part));
            if (toText.Length > 0 && !TryNumber(toText, out to)) return (null, Invalid(fields, part));
            if (from == 0 || (dash >= 0 && toText.Length > 0 && to == 0)) return (null, numbered);
            if (to < from) return (null, "invalid decreasing range");
            ranges.Add((from, to));
        }
        return (ranges, null);
    }

    private static bool TryNumber(string text, out int value)
    {
        if (text.All(char.IsAsciiDigit) && text.Length > 0)
        {
            // Past int's range a position selects nothing more than int.MaxValue does.
            value = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var big) ? (int)Math.Min(big, int.MaxValue) : int.MaxValue;
            return true;
        }
        value = 0;
        return false;
    }

    private static string Invalid(bool fields, string part) =>
        (fields ? "invalid field value " : "invalid byte/character position ") + Io.Quote(part);
}

/// <summary>What cut keeps of a line: bytes or delimited fields in the ranges (or outside them, with --complement).</summary>
public sealed record CutSelection(List<(int From, int To)> Ranges, bool Fields, byte Delimiter, byte[]? OutputDelimiter, bool OnlyDelimited, bool Complement)
{
    private bool Selected(int position) => Ranges.Exists(r => position >= r.From && position <= r.To) != Complement;

    public void Cut(byte[] line, List<byte> output, byte end)
    {
        if (!Fields)
        {
            // Bytes keep their order; an output delimiter goes between separate runs, as GNU writes it.
            var previous = -1;
            for (var i = 0; i < line.Length; i++)
            {
                if (!Selected(i + 1)) continue;
                if (OutputDelimiter is not null && previous >= 0 && previous != i - 1) output.AddRange(OutputDelimiter);
                output.Add(line[i]);
                previous = i;
            }
            output.Add(end);
            return;
        }
        if (Array.IndexOf(line, Delimiter) < 0)
        {
            if (OnlyDelimited) return;
            output.AddRange(line);
            output.Add(end);
            return;
        }
        var first = true;
        var field = 1;
        var start = 0;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i < line.Length && line[i] != Delimiter) continue;
            if (Selected(field))
            {
                if (!first) output.AddRange(OutputDelimiter!);
                output.AddRange(line.AsSpan(start, i - start));
                first = false;
            }
            field++;
            start = i + 1;
        }
        output.Add(end);
    }
}
