// yes, head, tail, tee: the stream programs of coreutils, byte for byte as in the C locale (wc has its own file).
using System.Globalization;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>yes [STRING]...: the line (default "y") forever, in batches of about 8 KiB; exit 1 once a write fails.</summary>
public sealed class Yes : Program
{
    private const int Batch = 8 * 1024;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var line = Io.Bytes((p.Args.Length > 1 ? string.Join(' ', p.Args.Skip(1)) : "y") + "\n");
        var copies = Math.Max(1, Batch / line.Length);
        var batch = new byte[copies * line.Length];
        for (var i = 0; i < copies; i++) line.CopyTo(batch, i * line.Length);
        while (true)
        {
            yield return new Write(Io.Stdout, batch);
            if (p.Failed) break;
        }
        yield return Io.Report(p, "standard output");
        yield return new Exit(1);
    }
}

/// <summary>The "-n N", "-nN" and obsolete "-N" line counts of head and tail, and their ==> name &lt;== headers.</summary>
public static class LineCounts
{
    /// <summary>Rewrites a leading "-N" (or "+N" for tail) as "-n N" so that getopt can read the rest.</summary>
    public static List<string> Normalise(string[] args, bool plusToo)
    {
        var rest = args.Skip(1).ToList();
        if (rest.Count > 0 && rest[0].Length > 1 && (rest[0][0] == '-' || (plusToo && rest[0][0] == '+'))
            && rest[0][1..].All(char.IsAsciiDigit))
            rest[0] = rest[0][0] == '-' ? "-n" + rest[0][1..] : "-n+" + rest[0][1..];
        return rest;
    }

    /// <summary>What head and tail were asked for: the count as written and its value, the files, and whether to print headers.</summary>
    public sealed record Request(string Text, long Count, string[] Files, bool Headers);

    /// <summary>
    /// Reads head's or tail's command line (-n N, -N, +N for tail, -q, -v). On bad input: the complaint, and whether a
    /// usage line follows it (for an unknown option, as coreutils prints).
    /// </summary>
    public static (Request? Request, string? Complaint, bool ShowUsage) Read(string[] args, bool plusToo)
    {
        var o = Options.Parse(Normalise(args, plusToo), "n:qv");
        if (o.Error is not null) return (null, o.Error, true);
        var text = o.Value('n') ?? "10";
        if (!TryParse(text, out var count)) return (null, $"invalid number of lines: {Io.Quote(text)}", false);
        string[] files = o.Operands.Count > 0 ? [.. o.Operands] : ["-"];
        return (new Request(text, count, files, o.Has('v') || (files.Length > 1 && !o.Has('q'))), null, false);
    }

    public static bool TryParse(string text, out long count)
    {
        var digits = text.StartsWith('+') || text.StartsWith('-') ? text[1..] : text;
        count = 0;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit)
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }

    public static string Header(string file, bool first) => $"{(first ? "" : "\n")}==> {(file == "-" ? "standard input" : file)} <==\n";

    public static string Shown(string file) => file == "-" ? "standard input" : Io.Quote(file);
}

/// <summary>head [-n [-]N] [-qv] [FILE|-]...: the first N lines (10), or all but the last N with -n -N.</summary>
public sealed class Head : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var (request, complaint, showUsage) = LineCounts.Read(p.Args, plusToo: false);
        if (request is null)
        {
            yield return Io.Complain(p, complaint!);
            if (showUsage) yield return Io.Err("Usage: head [-n [-]NUM] [-qv] [FILE]...\n");
            yield return new Exit(1);
            yield break;
        }
        var (text, count, files, headers) = request;
        var allBut = text.StartsWith('-');
        var status = 0;
        var first = true;
        Errno? writeError = null;
        foreach (var file in files)
        {
            var fd = Io.Stdin;
            if (file != "-")
            {
                yield return new Open(file);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot open {Io.Quote(file)} for reading");
                    status = 1;
                    continue;
                }
                fd = p.Result.Fd;
            }
            if (headers)
            {
                yield return Io.Out(LineCounts.Header(file, first));
                writeError = p.Result.Error;
            }
            first = false;
            if (writeError is null && allBut)
            {
                var chunks = new List<byte[]>();
                foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
                if (p.Failed)
                {
                    yield return Io.Report(p, $"error reading {LineCounts.Shown(file)}");
                    status = 1;
                }
                else
                {
                    var all = Io.Concat(chunks);
                    yield return new Write(Io.Stdout, all[..LineBuffers.StartOfLast(all, count)]);
                    writeError = p.Result.Error;
                }
            }
            // Without -n -N, reading stops at the Nth line: from a terminal, head -n 1 returns after one line.
            var left = allBut ? 0 : count;
            while (writeError is null && left > 0)
            {
                yield return new Read(fd, Io.Chunk);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"error reading {LineCounts.Shown(file)}");
                    status = 1;
                    break;
                }
                var data = p.Result.Data;
                if (data.Length == 0) break;
                (var length, left) = LineBuffers.TakeLines(data, left);
                yield return new Write(Io.Stdout, length == data.Length ? data : data[..length]);
                writeError = p.Result.Error;
            }
            if (fd != Io.Stdin) yield return new Close(fd);
            if (writeError is { } e)
            {
                yield return Io.Complain(p, $"error writing 'standard output': {e.Describe()}");
                yield return new Exit(1);
                yield break;
            }
        }
        yield return new Exit(status);
    }
}

/// <summary>tail [-n [+]N] [-qv] [FILE|-]...: the last N lines (10), or from line N on with -n +N.</summary>
public sealed class Tail : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var (request, complaint, showUsage) = LineCounts.Read(p.Args, plusToo: true);
        if (request is null)
        {
            yield return Io.Complain(p, complaint!);
            if (showUsage) yield return Io.Err("Usage: tail [-n [+]NUM] [-qv] [FILE]...\n");
            yield return new Exit(1);
            yield break;
        }
        var (text, count, files, headers) = request;
        var fromStart = text.StartsWith('+');
        var status = 0;
        var first = true;
        foreach (var file in files)
        {
            var fd = Io.Stdin;
            if (file != "-")
            {
                yield return new Open(file);
                if (p.Failed)
                {
                    yield return Io.Report(p, $"cannot open {Io.Quote(file)} for reading");
                    status = 1;
                    continue;
                }
                fd = p.Result.Fd;
            }
            var chunks = new List<byte[]>();
            foreach (var call in Io.ReadAll(p, fd, chunks)) yield return call;
            var readFailed = p.Failed;
            if (readFailed)
            {
                yield return Io.Report(p, $"error reading {LineCounts.Shown(file)}");
                status = 1;
            }
            if (fd != Io.Stdin) yield return new Close(fd);
            if (readFailed) continue;
            var all = Io.Concat(chunks);
            var output = all[(fromStart ? LineBuffers.StartOfLine(all, count) : LineBuffers.StartOfLast(all, count))..];
            var written = true;
            if (headers)
            {
                yield return Io.Out(LineCounts.Header(file, first));
                written = !p.Failed;
            }
            first = false;
            if (written)
            {
                yield return new Write(Io.Stdout, output);
                written = !p.Failed;
            }
            if (!written)
            {
                yield return Io.Report(p, "error writing 'standard output'");
                yield return new Exit(1);
                yield break;
            }
        }
        yield return new Exit(status);
    }
}

/// <summary>tee [-ai] [FILE]...: stdin to stdout and to each file (appended with -a); -i ignores SIGINT.</summary>
public sealed class Tee : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Options.Parse(p.Args.Skip(1), "ai");
        if (o.Error is not null)
        {
            yield return Io.Complain(p, o.Error);
            yield return Io.Err("Usage: tee [-ai] [FILE]...\n");
            yield return new Exit(1);
            yield break;
        }
        if (o.Has('i')) yield return new SigAction(Signal.SIGINT, Disposition.Ignore);
        var status = 0;
        var flags = OpenFlags.WriteOnly | OpenFlags.Create | (o.Has('a') ? OpenFlags.Append : OpenFlags.Truncate);
        // Outputs still written: fd and the name for messages; stdout first.
        var fds = new List<Fd> { Io.Stdout };
        var names = new List<string> { "standard output" };
        for (var i = 0; i < o.Operands.Count; i++)
        {
            yield return new Open(o.Operands[i], flags);
            if (p.Failed)
            {
                yield return Io.Report(p, o.Operands[i]);
                status = 1;
                continue;
            }
            fds.Add(p.Result.Fd);
            names.Add(o.Operands[i]);
        }
        while (fds.Count > 0)
        {
            yield return new Read(Io.Stdin, Io.Chunk);
            if (p.Failed)
            {
                yield return Io.Report(p, "standard input");
                status = 1;
                break;
            }
            var data = p.Result.Data;
            if (data.Length == 0) break;
            for (var i = 0; i < fds.Count; i++)
            {
                yield return new Write(fds[i], data);
                if (!p.Failed) continue;
                yield return Io.Report(p, names[i]);
                status = 1;
                if (fds[i] != Io.Stdout) yield return new Close(fds[i]);
                fds.RemoveAt(i);
                names.RemoveAt(i);
                i--;
            }
        }
        for (var i = 1; i < fds.Count; i++) yield return new Close(fds[i]);
        yield return new Exit(status);
    }
}
