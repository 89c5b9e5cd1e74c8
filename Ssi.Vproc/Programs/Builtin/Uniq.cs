// uniq: adjacent repeated lines merged, counted or picked out (-c -d -D -u, --group), compared after -f/-s/-w and -i.
using System.Globalization;
using Ssi.Cfs.Files;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>uniq [-cdDiuz] [-f N] [-s N] [-w N] [--all-repeated[=METHOD]] [--group[=METHOD]] [INPUT [OUTPUT]]</summary>
public sealed class Uniq : Program
{
    private static readonly OptionSpec Spec = new("cdDf:is:uw:z",
        ["count=c", "repeated=d", "all-repeated::", "skip-fields=f", "ignore-case=i", "skip-chars=s", "unique=u", "check-chars=w", "zero-terminated=z", "group::"],
        """
        Usage: uniq [OPTION]... [INPUT [OUTPUT]]
        Filter adjacent matching lines from INPUT (or standard input),
        writing to OUTPUT (or standard output).

        With no options, matching lines are merged to the first occurrence.

        Mandatory arguments to long options are mandatory for short options too.
          -c, --count           prefix lines by the number of occurrences
          -d, --repeated        only print duplicate lines, one for each group
          -D                    print all duplicate lines
              --all-repeated[=METHOD]  like -D, but allow separating groups
                                         with an empty line;
                                         METHOD={none(default),prepend,separate}
          -f, --skip-fields=N   avoid comparing the first N fields
              --group[=METHOD]  show all items, separating groups with an empty line;
                                  METHOD={separate(default),prepend,append,both}
          -i, --ignore-case     ignore differences in case when comparing
          -s, --skip-chars=N    avoid comparing the first N characters
          -u, --unique          only print unique lines
          -z, --zero-terminated     line delimiter is NUL, not newline
          -w, --check-chars=N   compare no more than N characters in lines
              --help        display this help and exit

        A field is a run of blanks (usually spaces and/or TABs), then non-blank
        characters.  Fields are skipped before chars.

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var (settings, complaint) = UniqSettings.Read(o);
        if (complaint is null && o.Operands.Count > 2) complaint = $"extra operand {Io.Quote(o.Operands[2])}";
        if (complaint is not null)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, complaint)) yield return call;
            yield break;
        }
        var input = Io.Stdin;
        var inputName = o.Operands.Count > 0 ? o.Operands[0] : "-";
        if (inputName != "-")
        {
            yield return new Open(inputName);
            if (p.Failed)
            {
                yield return Io.Report(p, inputName);
                yield return new Exit(1);
                yield break;
            }
            input = p.Result.Fd;
        }
        var output = Io.Stdout;
        if (o.Operands.Count > 1 && o.Operands[1] != "-")
        {
            yield return new Open(o.Operands[1], OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate);
            if (p.Failed)
            {
                yield return Io.Report(p, o.Operands[1]);
                yield return new Exit(1);
                yield break;
            }
            output = p.Result.Fd;
        }
        var chunks = new List<byte[]>();
        foreach (var call in Io.ReadAll(p, input, chunks)) yield return call;
        if (p.Failed)
        {
            yield return Io.Report(p, inputName);
            yield return new Exit(1);
            yield break;
        }
        var lines = LineBuffers.Split(Io.Concat(chunks), settings!.End);
        yield return new Write(output, settings.Filter(lines));
        if (p.Failed)
        {
            yield return Io.Report(p, "write error");
            yield return new Exit(1);
        }
    }
}

/// <summary>uniq's choices, and the filter they make of a whole input's lines.</summary>
public sealed record UniqSettings(bool Count, bool Repeated, bool AllRepeated, string Delimit, string? Group, int SkipFields, int SkipChars, int? CheckChars, bool IgnoreCase, bool Unique, byte End)
{
    public static (UniqSettings? Settings, string? Complaint) Read(Options o)
    {
        long Number(string name, string what, ref string? complaint)
        {
            if (o.Value(name) is not { } text) return 0;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return Math.Min(n, int.MaxValue);
            if (text.Length > 0 && text.All(char.IsAsciiDigit)) return int.MaxValue;
            complaint ??= $"{Io.Quote(text)}: invalid number of {what}";
            return 0;
        }
        string? complaint = null;
        var fields = Number("f", "fields to skip", ref complaint);
        var chars = Number("s", "bytes to skip", ref complaint);
        var check = o.Has('w') ? Number("w", "bytes to compare", ref complaint) : (long?)null;
        var allRepeated = o.Has('D') || o.Has("all-repeated");
        var delimit = o.Value("all-repeated") ?? "none";
        if (o.Has("all-repeated") && !Method(ref delimit, ["none", "prepend", "separate"]))
            complaint ??= $"invalid argument {Io.Quote(o.Value("all-repeated")!)} for '--all-repeated'";
        string? group = null;
        if (o.Has("group"))
        {
            group = o.Value("group") ?? "separate";
            if (!Method(ref group, ["prepend", "append", "separate", "both"])) complaint ??= $"invalid argument {Io.Quote(o.Value("group")!)} for '--group'";
            else if (o.Has('c') || o.Has('d') || allRepeated || o.Has('u')) complaint ??= "--group is mutually exclusive with -c/-d/-D/-u";
        }
        if (o.Has('c') && allRepeated) complaint ??= "printing all duplicated lines and repeat counts is meaningless";
        var settings = new UniqSettings(o.Has('c'), o.Has('d'), allRepeated, delimit, group, (int)fields, (int)chars, check is null ? null : (int)check,
            o.Has('i'), o.Has('u'), o.Has('z') ? (byte)0 : (byte)'\n');
        return (complaint is null ? settings : null, complaint);
    }

    // A METHOD may be abbreviated, as argmatch allows.
    private static bool Method(ref string given, string[] methods)
    {
        var typed = given;
        var matches = methods.Where(m => m.StartsWith(typed, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1 && !methods.Contains(typed)) return false;
        given = methods.Contains(typed) ? typed : matches[0];
        return true;
    }

    private string Key(byte[] line)
    {
        var i = 0;
        for (var f = 0; f < SkipFields; f++)
        {
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t') i++;
            while (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t')) i++;
        }
        i = (int)Math.Min(line.Length, (long)i + SkipChars);
        var length = CheckChars is { } n ? Math.Min(n, line.Length - i) : line.Length - i;
        var key = Io.Text(line.AsSpan(i, length));
        return IgnoreCase ? key.ToUpperInvariant() : key;
    }

    public byte[] Filter(List<byte[]> lines)
    {
        var output = new List<byte>();
        var groups = new List<List<byte[]>>();
        foreach (var line in lines)
        {
            if (groups.Count > 0 && Key(groups[^1][0]) == Key(line)) groups[^1].Add(line);
            else groups.Add([line]);
        }
        var printedGroup = false;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (Group is { } method)
            {
                if (g > 0 || method is "prepend" or "both") output.Add(End);
                foreach (var line in group) Line(output, line);
                if (g == groups.Count - 1 && method is "append" or "both") output.Add(End);
                continue;
            }
            var repeated = group.Count > 1;
            if (AllRepeated)
            {
                if (!repeated) continue;
                if ((Delimit == "prepend") || (Delimit == "separate" && printedGroup)) output.Add(End);
                foreach (var line in group) Line(output, line);
                printedGroup = true;
                continue;
            }
            if ((Repeated && !repeated) || (Unique && repeated)) continue;
            if (Count) output.AddRange(Io.Bytes(group.Count.ToString(CultureInfo.InvariantCulture).PadLeft(7) + " "));
            Line(output, group[0]);
        }
        return [.. output];
    }

    private void Line(List<byte> output, byte[] line)
    {
        output.AddRange(line);
        output.Add(End);
    }
}
