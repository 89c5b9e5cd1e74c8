// head and tail: what they share is their command line (-n/-c NUM with a sign, -q, -v, -z) and their headers.
using System.Globalization;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// What head or tail was asked for. <see cref="Sign"/> is the count's sign as written: '-' for head's "all but the
/// last", '+' for tail's "from the Nth on", or none.
/// </summary>
public sealed record HeadTailRequest(bool Bytes, char? Sign, long Count, bool Headers, byte Delimiter, List<string> Files);

public static class HeadTail
{
    private static readonly string[] Long = ["bytes=c", "lines=n", "quiet=q", "silent=q", "verbose=v", "zero-terminated=z"];

    public static readonly OptionSpec HeadSpec = new("c:n:qvz", Long, """
        Usage: head [OPTION]... [FILE]...
        Print the first 10 lines of each FILE to standard output.
        With more than one FILE, precede each with a header giving the file name.

        With no FILE, or when FILE is -, read standard input.

          -c, --bytes=[-]NUM       print the first NUM bytes of each file;
                                     with the leading '-', print all but the last
                                     NUM bytes of each file
          -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;
                                     with the leading '-', print all but the last
                                     NUM lines of each file
          -q, --quiet, --silent    never print headers giving file names
          -v, --verbose            always print headers giving file names
          -z, --zero-terminated    line delimiter is NUL, not newline
              --help               display this help and exit

        NUM may have a multiplier suffix: b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024, and so on for G, T, P, E.

        """);

    public static readonly OptionSpec TailSpec = new("c:n:qvz", Long, """
        Usage: tail [OPTION]... [FILE]...
        Print the last 10 lines of each FILE to standard output.
        With more than one FILE, precede each with a header giving the file name.

        With no FILE, or when FILE is -, read standard input.

          -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to
                                     output starting with byte NUM of each file
          -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;
                                     or use -n +NUM to output starting with line NUM
          -q, --quiet, --silent    never output headers giving file names
          -v, --verbose            always output headers giving file names
          -z, --zero-terminated    line delimiter is NUL, not newline
              --help               display this help and exit

        NUM may have a multiplier suffix: b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024, and so on for G, T, P, E.

        """);

    /// <summary>
    /// Reads head's (<paramref name="tail"/> false) or tail's command line. The obsolete "-N" (and tail's "+N"), with
    /// an optional c or l after the digits, is read when it comes first, as GNU reads it.
    /// </summary>
    public static (HeadTailRequest? Request, Options Options, string? Complaint) Read(string[] argv, OptionSpec spec, bool tail)
    {
        var args = argv.Skip(1).ToList();
        if (args.Count > 0 && Obsolete(args[0], tail) is { } rewritten) args[0] = rewritten;
        var o = Options.Parse(args, spec);
        if (CommandLine.Ends(o)) return (null, o, null);
        var bytes = o.LastOf("cn") == 'c';
        var text = o.Value(bytes ? 'c' : 'n') ?? "10";
        var sign = text.Length > 0 && text[0] is '+' or '-' ? text[0] : (char?)null;
        if (!TryParseCount(sign is null ? text : text[1..], out var count))
            return (null, o, $"invalid number of {(bytes ? "bytes" : "lines")}: {Io.Quote(text)}");
        if (sign == (tail ? '-' : '+')) sign = null;
        // As tail.c: a '+' on any -n or -c counts, even when a later one without it gives the number.
        if (tail && o.Given.Exists(g => g.Name is "n" or "c" && g.Value!.StartsWith('+'))) sign = '+';
        var files = o.Operands.Count > 0 ? o.Operands : ["-"];
        var headers = o.LastOf("qv") is { } last ? last == 'v' : files.Count > 1;
        return (new HeadTailRequest(bytes, sign, count, headers, o.Has('z') ? (byte)0 : (byte)'\n', files), o, null);
    }

    private static string? Obsolete(string arg, bool tail)
    {
        if (arg.Length < 2 || !(arg[0] == '-' || (tail && arg[0] == '+')) || !char.IsAsciiDigit(arg[1])) return null;
        var digits = arg[1..].TrimEnd('c', 'l');
        if (!digits.All(char.IsAsciiDigit) || arg.Length - 1 - digits.Length > 1) return null;
        var letter = arg.EndsWith('c') ? 'c' : 'n';
        return $"-{letter}{(arg[0] == '+' ? "+" : "")}{digits}";
    }

    private static readonly (string Suffix, long Factor)[] Multipliers =
    [
        ("b", 512), ("kB", 1000), ("K", 1024), ("KiB", 1024), ("MB", 1000_000), ("M", 1 << 20), ("MiB", 1 << 20),
        ("GB", 1000_000_000), ("G", 1L << 30), ("GiB", 1L << 30), ("TB", 1000_000_000_000), ("T", 1L << 40), ("TiB", 1L << 40),
        ("PB", 1000_000_000_000_000), ("P", 1L << 50), ("PiB", 1L << 50), ("EB", 1000_000_000_000_000_000), ("E", 1L << 60), ("EiB", 1L << 60),
    ];

    /// <summary>Digits with an optional multiplier suffix; a count too large for a long is as good as infinite.</summary>
    public static bool TryParseCount(string text, out long count)
    {
        count = 0;
        var digits = text.Length - text.AsSpan().TrimStart("0123456789").Length;
        if (digits == 0) return false;
        var factor = 1L;
        if (digits < text.Length)
        {
            var suffix = Array.Find(Multipliers, m => m.Suffix == text[digits..]);
            if (suffix.Suffix is null) return false;
            factor = suffix.Factor;
        }
        if (!long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var value)) value = long.MaxValue;
        count = value > long.MaxValue / factor ? long.MaxValue : value * factor;
        return true;
    }

    public static string Header(string shown, bool first) => $"{(first ? "" : "\n")}==> {shown} <==\n";
}
