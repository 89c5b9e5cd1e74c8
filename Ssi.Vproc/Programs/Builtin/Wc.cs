// wc: lines, words, characters, bytes and the longest line's width, counted as GNU coreutils 9 counts them.
using System.Globalization;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// wc [-clmwL] [FILE|-]...: the counts in GNU's order (lines, words, chars, bytes, max line length), right-aligned
/// as GNU aligns them. Characters are UTF-8 unless LC_ALL, LC_CTYPE or LANG names another locale ("C": bytes).
/// </summary>
public sealed class Wc : Program
{
    private static readonly OptionSpec Spec = new("clmwL",
        ["bytes=c", "chars=m", "lines=l", "words=w", "max-line-length=L"],
        """
        Usage: wc [OPTION]... [FILE]...
        Print newline, word, and byte counts for each FILE, and a total line if
        more than one FILE is specified.  A word is a non-zero-length sequence of
        printable characters delimited by white space.

        With no FILE, or when FILE is -, read standard input.

          -c, --bytes            print the byte counts
          -m, --chars            print the character counts
          -l, --lines            print the newline counts
          -L, --max-line-length  print the maximum display width
          -w, --words            print the word counts
              --help             display this help and exit

        """);

    // The columns in the order GNU prints them.
    private const string Columns = "lwmcL";

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var shown = Columns.Where(o.Has).ToArray();
        if (shown.Length == 0) shown = ['l', 'w', 'c'];
        var inputs = new Inputs(o.Operands);
        var names = inputs.Names;

        // GNU's width: enough digits for the sizes of all regular files, at least 7 if one is not regular; none for
        // a single count of a single input, nor when the first input cannot be read.
        var width = 1;
        if (names.Count > 1 || shown.Length > 1)
        {
            long regular = 0;
            var minimum = 1;
            var firstFailed = false;
            for (var i = 0; i < names.Count; i++)
            {
                yield return names[i] == "-" ? new Fstat(Io.Stdin) : new Stat(names[i]);
                if (p.Failed) firstFailed |= i == 0;
                else if (p.Result.Stat!.Type == InodeType.Regular) regular += p.Result.Stat.Size;
                else minimum = 7;
            }
            if (!firstFailed) width = Math.Max(minimum, regular.ToString(CultureInfo.InvariantCulture).Length);
        }

        var utf8 = Locale.IsUtf8(p.Environment);
        var total = new WcCounts(utf8);
        while (true)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            var counts = new WcCounts(utf8);
            while (true)
            {
                yield return new Read(inputs.Fd, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, inputs.Name);
                    inputs.Fail();
                    break;
                }
                if (p.Result.Data.Length == 0) break;
                counts.Add(p.Result.Data);
            }
            counts.End();
            total.Include(counts);
            yield return Io.Out(Format(counts, shown, width, o.Operands.Count > 0 ? inputs.Name : null));
            if (p.Failed)
            {
                yield return Io.Report(p, "write error");
                yield return new Exit(1);
                yield break;
            }
        }
        if (names.Count > 1) yield return Io.Out(Format(total, shown, width, "total"));
        yield return new Exit(inputs.Status);
    }

    private static string Format(WcCounts c, char[] shown, int width, string? name)
    {
        var fields = shown.Select(column => c.Of(column).ToString(CultureInfo.InvariantCulture).PadLeft(width)).ToList();
        if (name is not null) fields.Add(name);
        return string.Join(' ', fields) + "\n";
    }
}

/// <summary>The locale a program's environment names, as far as the tools care: whether text is UTF-8.</summary>
public static class Locale
{
    /// <summary>The first of LC_ALL, LC_CTYPE and LANG that is set decides; with none set the cluster speaks UTF-8.</summary>
    public static bool IsUtf8(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var name in (string[])["LC_ALL", "LC_CTYPE", "LANG"])
            if (environment.TryGetValue(name, out var value) && value.Length > 0)
                return value.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || value.Contains("utf8", StringComparison.OrdinalIgnoreCase);
        return true;
    }
}
