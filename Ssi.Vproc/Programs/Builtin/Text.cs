// yes and tee: stream programs of coreutils (wc, head and tail have files of their own).
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Files;

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

/// <summary>tee [-ai] [FILE]...: stdin to stdout and to each file (appended with -a); -i ignores SIGINT.</summary>
public sealed class Tee : Program
{
    private static readonly OptionSpec Spec = new("ai", ["append=a", "ignore-interrupts=i"], """
        Usage: tee [OPTION]... [FILE]...
        Copy standard input to each FILE, and also to standard output.

          -a, --append              append to the given FILEs, do not overwrite
          -i, --ignore-interrupts   ignore interrupt signals
              --help                display this help and exit

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = Spec.Parse(p.Args);
        if (CommandLine.Ends(o))
        {
            foreach (var call in CommandLine.End(p, Spec, o)) yield return call;
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
