// sort: the lines of all inputs in GNU sort's order (LC_ALL=C), with keys, -c checks and -o output.
using Ssi.Cfs.Files;
using Ssi.Vproc.Programs.Shell;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// sort [-bcCdfghiMnrsuz] [-k KEYDEF]... [-t SEP] [-o FILE] [FILE|-]...: any error is exit 2, as in coreutils;
/// nothing is written before all is read, so -o may name an input.
/// </summary>
public sealed class Sort : Program
{
    private static readonly OptionSpec Spec = new("bcCdfghik:Mmno:rsS:t:T:uz",
        ["ignore-leading-blanks=b", "dictionary-order=d", "ignore-case=f", "general-numeric-sort=g", "human-numeric-sort=h",
         "ignore-nonprinting=i", "month-sort=M", "numeric-sort=n", "reverse=r", "check::", "key=k", "merge=m", "output=o",
         "stable=s", "buffer-size=S", "field-separator=t", "temporary-directory=T", "unique=u", "zero-terminated=z", "parallel:"],
        """
        Usage: sort [OPTION]... [FILE]...
        Write sorted concatenation of all FILE(s) to standard output.

        With no FILE, or when FILE is -, read standard input.

        Ordering options:
          -b, --ignore-leading-blanks  ignore leading blanks
          -d, --dictionary-order      consider only blanks and alphanumeric characters
          -f, --ignore-case           fold lower case to upper case characters
          -g, --general-numeric-sort  compare according to general numerical value
          -i, --ignore-nonprinting    consider only printable characters
          -M, --month-sort            compare (unknown) < 'JAN' < ... < 'DEC'
          -h, --human-numeric-sort    compare human readable numbers (e.g., 2K 1G)
          -n, --numeric-sort          compare according to string numerical value
          -r, --reverse               reverse the result of comparisons

        Other options:
          -c, --check, --check=diagnose-first  check for sorted input; do not sort
          -C, --check=quiet, --check=silent  like -c, but do not report first bad line
          -k, --key=KEYDEF          sort via a key; KEYDEF gives location and type
          -m, --merge               merge already sorted files (here: sort them)
          -o, --output=FILE         write result to FILE instead of standard output
          -s, --stable              stabilize sort by disabling last-resort comparison
          -S, --buffer-size=SIZE    use SIZE for the lines kept in memory (default 256M;
                                      K, M, G, T, b or %); past it, sorted runs go to
                                      temporary files and are merged
          -t, --field-separator=SEP  use SEP instead of non-blank to blank transition
          -T, --temporary-directory=DIR  use DIR for temporaries, not $TMPDIR or /tmp
          -u, --unique              with -c, check for strict ordering;
                                      without -c, output only the first of an equal run
          -z, --zero-terminated     line delimiter is NUL, not newline
              --help                display this help and exit

        KEYDEF is F[.C][OPTS][,F[.C][OPTS]] for start and stop position, where F is a
        field number and C a character position in the field; both are origin 1, and
        the stop position defaults to the line's end.  OPTS is one or more single-letter
        ordering options [bdfghiMnr], which override global ordering options for that key.

        """, FailStatus: 2);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var (order, check, complaint) = Settings(o);
        if (complaint is not null)
        {
            yield return Io.Complain(p, complaint);
            yield return new Exit(2);
            yield break;
        }
        if (check is not null && o.Operands.Count > 1)
        {
            foreach (var call in CommandLine.Refuse(p, Spec, $"extra operand {Io.Quote(o.Operands[1])} not allowed with -{check}")) yield return call;
            yield break;
        }
        var delimiter = o.Has('z') ? (byte)0 : (byte)'\n';
        if (Buffer(o.Value('S')) is not { } buffer)
        {
            yield return Io.Complain(p, $"invalid -S argument {Io.Quote(o.Value('S')!)}");
            yield return new Exit(2);
            yield break;
        }
        var temporary = o.Value('T') ?? p.Environment.GetValueOrDefault("TMPDIR") ?? "/tmp";
        // A check keeps every line in memory: it reads them all before it judges, as the output of -c names a line.
        var runs = new SortRuns(check is null ? buffer : long.MaxValue, delimiter, temporary);
        var failed = new Box<string?>();
        var inputs = new Inputs(o.Operands, "cannot read: {0}", stopAtFailure: true);
        while (failed.Value is null)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            while (true)
            {
                yield return new Read(inputs.Fd, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"read failed: {inputs.Name}");
                    foreach (var call in runs.RemoveFiles()) yield return call;
                    yield return new Exit(2);
                    yield break;
                }
                if (p.Result.Data.Length == 0) break;
                runs.Add(p.Result.Data);
                if (!runs.Full) continue;
                foreach (var call in runs.Spill(p, order!, o.Has('u'), failed)) yield return call;
                if (failed.Value is null) foreach (var call in runs.Narrow(p, order!, o.Has('u'), failed)) yield return call;
                if (failed.Value is not null) break;
            }
            runs.EndInput();
        }
        if (failed.Value is not null || inputs.Status != 0)
        {
            if (failed.Value is not null) yield return Io.Report(p, failed.Value);
            foreach (var call in runs.RemoveFiles()) yield return call;
            yield return new Exit(2);
            yield break;
        }

        if (check is { } letter)
        {
            var lines = runs.Pending;
            var disorder = FirstDisorder(lines, order!, o.Has('u'));
            if (disorder < 0) yield break;
            if (letter == 'c')
                yield return Io.Complain(p, $"{inputs.Names[0]}:{disorder + 1}: disorder: {Io.Text(lines[disorder])}");
            yield return new Exit(1);
            yield break;
        }

        var sorted = runs.Merged(order!, o.Has('u'));
        var output = Io.Stdout;
        if (o.Value('o') is { } path)
        {
            yield return new Open(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate);
            if (p.Failed)
            {
                yield return Io.Report(p, $"open failed: {path}");
                foreach (var call in runs.RemoveFiles()) yield return call;
                yield return new Exit(2);
                yield break;
            }
            output = p.Result.Fd;
        }
        foreach (var call in SortRuns.Emit(p, sorted, output, delimiter, failed, o.Value('o') ?? "'standard output'")) yield return call;
        if (failed.Value is not null)
        {
            yield return Io.Report(p, failed.Value);
            foreach (var call in runs.RemoveFiles()) yield return call;
            yield return new Exit(2);
            yield break;
        }
        if (output != Io.Stdout) yield return new Close(output);
        foreach (var call in runs.RemoveFiles()) yield return call;
    }

    /// <summary>
    /// -S SIZE as GNU reads it: a number of KiB, or with a suffix b (bytes), K, M, G, T, or % (of the memory the
    /// runtime may use); at least 1 KiB. Null if it is not a size.
    /// </summary>
    public static long? Buffer(string? text)
    {
        if (text is null) return SortRuns.DefaultBuffer;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        if (digits == 0 || !long.TryParse(text[..digits], out var number)) return null;
        long? bytes = text[digits..] switch
        {
            "" or "k" or "K" => number << 10,
            "b" => number,
            "m" or "M" => number << 20,
            "g" or "G" => number << 30,
            "t" or "T" => number << 40,
            "%" when number <= 100 => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 100 * number,
            _ => null,
        };
        return bytes is { } b ? Math.Max(b, 1024) : null;
    }

    /// <summary>The order the options ask for, whether and how to check instead of sorting ('c' or 'C'), or a complaint.</summary>
    public static (SortOrder? Order, char? Check, string? Complaint) Settings(Options o)
    {
        var global = new SortKey();
        foreach (var letter in "bdfghiMnr")
            if (o.Has(letter)) global.SetOption(letter);
        global.SkipEndBlanks = global.SkipStartBlanks;
        var keys = new List<SortKey>();
        foreach (var spec in o.All('k'))
        {
            var (key, complaint) = SortKey.Parse(spec);
            if (key is null) return (null, null, complaint);
            // As GNU: a key with no ordering options of its own takes all the global ones.
            if (key.IsPlain && !key.Reverse) key.Inherit(global);
            keys.Add(key);
        }
        // Global ordering options without -k make one key of the whole line; -r alone only reverses the last resort.
        if (keys.Count == 0 && !global.IsPlain) keys.Add(global);
        byte? separator = null;
        if (o.Value('t') is { } tab)
        {
            if (tab.Length == 0) return (null, null, "empty tab");
            var bytes = Io.Bytes(tab);
            if (bytes.Length > 1 && tab != "\\0") return (null, null, $"multi-character tab {Io.Quote(tab)}");
            separator = tab == "\\0" ? (byte)0 : bytes[0];
        }
        var check = o.LastOf("cC");
        if (o.Has("check"))
        {
            var how = o.Value("check");
            if (how is not (null or "diagnose-first" or "quiet" or "silent"))
                return (null, null, $"invalid argument {Io.Quote(how)} for '--check'");
            check = how is "quiet" or "silent" ? 'C' : 'c';
        }
        var order = new SortOrder { Keys = keys, Separator = separator, Reverse = global.Reverse, KeysOnly = o.Has('s') || o.Has('u') };
        return (order, check, null);
    }

    /// <summary>The lines in order, stable among equal ones; with <paramref name="unique"/>, the first of each equal run.</summary>
    public static List<byte[]> Sorted(List<byte[]> lines, SortOrder order, bool unique)
    {
        var ordered = lines.Order(Comparer<byte[]>.Create(order.Compare)).ToList();
        if (!unique) return ordered;
        var result = new List<byte[]>();
        foreach (var line in ordered)
            if (result.Count == 0 || order.Compare(result[^1], line) != 0) result.Add(line);
        return result;
    }

    /// <summary>The index of the first line out of order (or equal to the one before, with -u), or -1.</summary>
    public static int FirstDisorder(List<byte[]> lines, SortOrder order, bool strictly)
    {
        for (var i = 1; i < lines.Count; i++)
        {
            var diff = order.Compare(lines[i - 1], lines[i]);
            if (diff > 0 || (strictly && diff == 0)) return i;
        }
        return -1;
    }
}
