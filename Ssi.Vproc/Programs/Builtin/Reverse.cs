// tac and rev: the records of each input in reverse order, and the characters of each line in reverse order.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>tac [-b] [-s SEPARATOR] [FILE]...: each input's records last first; -r (a regular expression as separator) is refused.</summary>
public sealed class Tac : Program
{
    private static readonly OptionSpec Spec = new("brs:", ["before=b", "regex=r", "separator=s"], """
        Usage: tac [OPTION]... [FILE]...
        Write each FILE to standard output, last line first.

        With no FILE, or when FILE is -, read standard input.

        Mandatory arguments to long options are mandatory for short options too.
          -b, --before             attach the separator before instead of after
          -s, --separator=STRING   use STRING as the separator instead of newline
              --help        display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        if (o.Has('r'))
        {
            yield return Io.Complain(p, "--regex is not supported");
            yield return new Exit(1);
            yield break;
        }
        var separator = Io.Bytes(o.Value('s') ?? "\n");
        if (separator.Length == 0)
        {
            yield return Io.Complain(p, "separator cannot be empty");
            yield return new Exit(1);
            yield break;
        }
        var inputs = new Inputs(o.Operands, "failed to open {1} for reading");
        while (true)
        {
            foreach (var call in inputs.Next(p)) yield return call;
            if (inputs.Done) break;
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, inputs.Fd, chunks)) yield return call;
            if (p.Failed)
            {
                yield return Io.Report(p, $"{Io.Quote(inputs.Shown)}: read error");
                inputs.Fail();
                continue;
            }
            yield return new Write(Io.Stdout, Reverse(Io.Concat(chunks), separator, o.Has('b')));
            if (p.Failed)
            {
                yield return Io.Report(p, "write error");
                yield return new Exit(1);
                yield break;
            }
        }
        yield return new Exit(inputs.Status);
    }

    /// <summary>The records in reverse; each keeps its separator after it (before it with -b), as it came.</summary>
    public static byte[] Reverse(byte[] data, byte[] separator, bool before)
    {
        var records = new List<(int Start, int Length)>();
        var start = 0;
        for (var at = IndexOf(data, separator, 0); at >= 0; at = IndexOf(data, separator, at + separator.Length))
        {
            if (before)
            {
                if (at > start) records.Add((start, at - start));
                start = at;
            }
            else
            {
                records.Add((start, at + separator.Length - start));
                start = at + separator.Length;
            }
        }
        if (start < data.Length) records.Add((start, data.Length - start));
        var output = new byte[data.Length];
        var written = 0;
        for (var i = records.Count - 1; i >= 0; i--)
        {
            Array.Copy(data, records[i].Start, output, written, records[i].Length);
            written += records[i].Length;
        }
        return output;
    }

    private static int IndexOf(byte[] data, byte[] separator, int from) =>
        from > data.Length ? -1 : data.AsSpan(from).IndexOf(separator) is var i and >= 0 ? from + i : -1;
}

/// <summary>rev [FILE]...: the characters (UTF-8; other bytes one by one) of each line in reverse order.</summary>
public sealed class Rev : Program
{
    private static readonly OptionSpec Spec = new("", [], """

        Usage:
         rev [options] [file ...]

        Reverse lines characterwise.

        Options:
         -h, --help     display this help

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
            yield break;
        }
        var inputs = new Inputs(o.Operands, "cannot open {0}");
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
                var output = new List<byte>();
                if (atEnd)
                {
                    // A last line without a newline stays without one.
                    if (splitter.Rest() is { } rest) output.AddRange(Line(rest));
                }
                else
                    foreach (var line in splitter.Feed(p.Result.Data))
                    {
                        output.AddRange(Line(line));
                        output.Add((byte)'\n');
                    }
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

    public static byte[] Line(byte[] line)
    {
        var text = Io.Text(line);
        var elements = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext()) elements.Add(e.GetTextElement());
        elements.Reverse();
        return Io.Bytes(string.Concat(elements));
    }
}
