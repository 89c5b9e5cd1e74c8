// sort: the lines of all inputs in byte order (LC_ALL=C), numerically with -n, reversed with -r, unique with -u.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>sort [-fnru] [FILE|-]...: any error is exit 2, as in coreutils; nothing is written before all is read.</summary>
public sealed class Sort : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Options.Parse(p.Args.Skip(1), "fnru");
        if (o.Error is not null)
        {
            yield return Io.Complain(p, o.Error);
            yield return Io.Err("Usage: sort [-fnru] [FILE]...\n");
            yield return new Exit(2);
            yield break;
        }
        var files = o.Operands.Count > 0 ? o.Operands.ToArray() : ["-"];
        var lines = new List<byte[]>();
        foreach (var file in files)
        {
            var fd = Io.Stdin;
            if (file != "-")
            {
                yield return new Open(file);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot read: {file}");
                    yield return new Exit(2);
                    yield break;
                }
                fd = p.Result.Fd;
            }
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, $"read failed: {(file == "-" ? "-" : file)}");
                yield return new Exit(2);
                yield break;
            }
            if (fd != Io.Stdin) yield return new Close(fd);
            var splitter = new LineSplitter();
            lines.AddRange(splitter.Feed(Io.Concat(chunks)));
            if (splitter.Rest() is { } last) lines.Add(last);
        }
        var sorted = Sorted(lines, o.Has('n'), o.Has('f'), o.Has('r'), o.Has('u'));
        var batch = new List<byte>();
        for (var i = 0; i < sorted.Count; i++)
        {
            batch.AddRange(sorted[i]);
            batch.Add((byte)'\n');
            if (batch.Count < Io.Chunk && i < sorted.Count - 1) continue;
            yield return new Write(Io.Stdout, [.. batch]);
            if (p.Failed)
            {
                yield return Io.Report(p, "write failed: 'standard output'");
                yield return new Exit(2);
                yield break;
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// As GNU sort orders: by the key (the leading number with -n, the case-folded line with -f), then, for lines
    /// whose keys are equal, by all their bytes; -r reverses both; -u keeps the first line of each equal key.
    /// </summary>
    public static List<byte[]> Sorted(List<byte[]> lines, bool numeric, bool fold, bool reverse, bool unique)
    {
        var keyed = lines.Select(l => (Line: l, Number: numeric ? LeadingNumber(l) : 0m, Folded: fold ? Upper(l) : l)).ToList();
        int CompareKeys((byte[] Line, decimal Number, byte[] Folded) a, (byte[] Line, decimal Number, byte[] Folded) b) =>
            numeric ? a.Number.CompareTo(b.Number) : a.Folded.AsSpan().SequenceCompareTo(b.Folded);
        int Compare((byte[] Line, decimal Number, byte[] Folded) a, (byte[] Line, decimal Number, byte[] Folded) b)
        {
            var c = CompareKeys(a, b);
            if (c == 0 && !unique) c = a.Line.AsSpan().SequenceCompareTo(b.Line);
            return reverse ? -c : c;
        }
        var ordered = keyed.OrderBy(k => k, Comparer<(byte[], decimal, byte[])>.Create(Compare)).ToList();
        var result = new List<byte[]>();
        for (var i = 0; i < ordered.Count; i++)
            if (!unique || i == 0 || CompareKeys(ordered[i - 1], ordered[i]) != 0) result.Add(ordered[i].Line);
        return result;
    }

    private static byte[] Upper(byte[] line)
    {
        var folded = (byte[])line.Clone();
        for (var i = 0; i < folded.Length; i++)
            if (folded[i] is >= (byte)'a' and <= (byte)'z') folded[i] -= 32;
        return folded;
    }

    /// <summary>-n's number: leading blanks, an optional '-', digits and a fraction; 0 for a line without one.</summary>
    private static decimal LeadingNumber(byte[] line)
    {
        var text = Encoding.ASCII.GetString(line);
        var i = 0;
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        var start = i;
        if (i < text.Length && text[i] == '-') i++;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        var number = text[start..i];
        if (number is "" or "-" or "." or "-.") return 0m;
        return decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : number.StartsWith('-') ? decimal.MinValue : decimal.MaxValue;
    }
}
