// cmp: the first difference of two files (or every one, -l), with diffutils' messages and exit status 0, 1 or 2.
using System.Globalization;
using System.Numerics;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>cmp [-bls] [-i SKIP1[:SKIP2]] [-n LIMIT] FILE1 [FILE2 [SKIP1 [SKIP2]]]</summary>
public sealed class Cmp : Program
{
    private static readonly OptionSpec Spec = new("bi:ln:s", ["print-bytes=b", "ignore-initial=i", "verbose=l", "bytes=n", "quiet=s", "silent=s"], """
        Usage: cmp [OPTION]... FILE1 [FILE2 [SKIP1 [SKIP2]]]
        Compare two files byte by byte.

        The optional SKIP1 and SKIP2 specify the number of bytes to skip
        at the beginning of each file (zero by default).

        Mandatory arguments to long options are mandatory for short options too.
          -b, --print-bytes          print differing bytes
          -i, --ignore-initial=SKIP         skip first SKIP bytes of both inputs
          -i, --ignore-initial=SKIP1:SKIP2  skip first SKIP1 bytes of FILE1 and
                                              first SKIP2 bytes of FILE2
          -l, --verbose              output byte numbers and differing byte values
          -n, --bytes=LIMIT          compare at most LIMIT bytes
          -s, --quiet, --silent      suppress all normal output
              --help                 display this help and exit

        SKIP values may be followed by the following multiplicative suffixes:
        kB 1000, K 1024, MB 1,000,000, M 1,048,576,
        GB 1,000,000,000, G 1,073,741,824, and so on for T, P, E, Z, Y.

        If a FILE is '-' or missing, read standard input.
        Exit status is 0 if inputs are the same, 1 if different, 2 if trouble.

        """, FailStatus: 2);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            // diffutils names the tool on the "Try" line too.
            if (o.Error is { } error)
            {
                yield return Io.Err(Io.Text(p.ErrorLine(error)) + Io.Text(p.ErrorLine("Try 'cmp --help' for more information.")));
                yield return new Exit(2);
                yield break;
            }
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var complaint = o.Operands.Count == 0 ? "missing operand after 'cmp'" : o.Operands.Count > 4 ? $"extra operand {Io.Quote(o.Operands[4])}" : null;
        long[] skip = [0, 0];
        if (complaint is null && o.Value('i') is { } initial)
        {
            var parts = initial.Split(':', 2);
            for (var i = 0; i < 2 && complaint is null; i++)
                if (Size(parts[Math.Min(i, parts.Length - 1)]) is { } n) skip[i] = n;
                else complaint = $"invalid --ignore-initial value {Io.Quote(initial)}";
        }
        for (var i = 2; i < o.Operands.Count && complaint is null; i++)
            if (Size(o.Operands[i]) is { } n) skip[i - 2] = n;
            else complaint = $"invalid --ignore-initial value {Io.Quote(o.Operands[i])}";
        long? limit = null;
        if (complaint is null && o.Value('n') is { } text)
            if (Size(text) is { } n) limit = n;
            else complaint = $"invalid --bytes value {Io.Quote(text)}";
        if (complaint is null && o.Has('l') && o.Has('s')) complaint = "options -l and -s are incompatible";
        if (complaint is not null)
        {
            yield return Io.Err(Io.Text(p.ErrorLine(complaint)) + Io.Text(p.ErrorLine("Try 'cmp --help' for more information.")));
            yield return new Exit(2);
            yield break;
        }
        string[] names = [o.Operands[0], o.Operands.Count > 1 ? o.Operands[1] : "-"];
        var data = new byte[2][];
        var regularSizes = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            var fd = Io.Stdin;
            if (names[i] != "-")
            {
                yield return new Open(names[i]);
                if (p.Failed)
                {
                    // -s silences even this, as diffutils does: the status alone says it.
                    if (!o.Has('s')) yield return Io.Report(p, names[i]);
                    yield return new Exit(2);
                    yield break;
                }
                fd = p.Result.Fd;
            }
            yield return new Fstat(fd);
            if (!p.Failed && p.Result.Stat!.Type == InodeType.Regular) regularSizes.Add(Math.Max(0, p.Result.Stat.Size - skip[i]));
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, names[i]);
                yield return new Exit(2);
                yield break;
            }
            var all = Io.Concat(chunks);
            data[i] = all[(int)Math.Min(all.Length, skip[i])..];
        }
        var (output, errors, status) = Compare(names, data[0], data[1], limit, o.Has('l'), o.Has('b'), o.Has('s'), regularSizes, Locale.IsUtf8(p.Environment));
        if (output.Length > 0) yield return Io.Out(output);
        if (errors.Length > 0) yield return Io.Err(errors);
        yield return new Exit(status);
    }

    // diffutils' sizes: digits with an optional multiplicative suffix.
    private static long? Size(string text)
    {
        var digits = text.TakeWhile(char.IsAsciiDigit).Count();
        if (digits == 0 || !BigInteger.TryParse(text[..digits], CultureInfo.InvariantCulture, out var value)) return null;
        var suffix = text[digits..];
        if (suffix.Length > 0)
        {
            // k and K are both 1024; "kB" and friends are powers of 1000, "KiB" of 1024.
            var power = Math.Max(1, "kKMGTPEZY".IndexOf(suffix[0]));
            if ("kKMGTPEZY".IndexOf(suffix[0]) < 0) return null;
            var unit = suffix[1..] switch { "" or "iB" => 1024, "B" => 1000, _ => 0 };
            if (unit == 0) return null;
            value *= BigInteger.Pow(unit, power);
        }
        return value > long.MaxValue ? long.MaxValue : (long)value;
    }

    /// <summary>What cmp prints for two inputs (after their skips) and its status.</summary>
    public static (string Output, string Errors, int Status) Compare(string[] names, byte[] a, byte[] b, long? limit, bool all, bool printBytes, bool silent, List<long> regularSizes, bool utf8 = true)
    {
        var length = (int)Math.Min(Math.Min(a.Length, b.Length), limit ?? long.MaxValue);
        var output = new System.Text.StringBuilder();
        var line = 1L;
        var differ = false;
        var maxOffset = Math.Min(limit ?? long.MaxValue, regularSizes.Count == 2 ? regularSizes.Min() : regularSizes.Count == 1 ? regularSizes[0] : long.MaxValue);
        var width = maxOffset.ToString(CultureInfo.InvariantCulture).Length;
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                differ = true;
                if (silent) return ("", "", 1);
                if (!all)
                {
                    // diffutils says "char" in the C locale and "byte" in the others (its English catalog's wording).
                    output.Append($"{names[0]} {names[1]} differ: {(utf8 || printBytes ? "byte" : "char")} {i + 1}, line {line}");
                    if (printBytes) output.Append($" is {Octal(a[i]),3} {Shown(a[i])} {Octal(b[i]),3} {Shown(b[i])}");
                    return (output.Append('\n').ToString(), "", 1);
                }
                output.Append((i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width))
                    .Append(printBytes ? $" {Octal(a[i]),3} {Shown(a[i]),-4} {Octal(b[i]),3} {Shown(b[i])}\n" : $" {Octal(a[i]),3} {Octal(b[i]),3}\n");
            }
            if (a[i] == '\n') line++;
        }
        // One input ended before the other (within the limit).
        if (a.Length != b.Length && (limit is null || length < limit))
        {
            if (silent) return ("", "", 1);
            var shorter = a.Length < b.Length ? 0 : 1;
            var message = length == 0 ? $"EOF on {names[shorter]} which is empty"
                : all ? $"EOF on {names[shorter]} after byte {length}"
                : (shorter == 0 ? a : b)[length - 1] == '\n' ? $"EOF on {names[shorter]} after byte {length}, line {line - 1}"
                : $"EOF on {names[shorter]} after byte {length}, in line {line}";
            return (output.ToString(), $"cmp: {message}\n", 1);
        }
        return (output.ToString(), "", differ ? 1 : 0);
    }

    private static string Octal(byte b) => Convert.ToString(b, 8);

    // A byte as cat -v shows it.
    private static string Shown(byte b)
    {
        var meta = b >= 128 ? "M-" : "";
        var c = b & 0x7F;
        return meta + (c < 32 ? "^" + (char)(c + 64) : c == 127 ? "^?" : ((char)c).ToString());
    }
}
