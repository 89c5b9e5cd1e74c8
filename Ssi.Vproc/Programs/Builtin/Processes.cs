// ps, kill, where_pid, onnode: processes of the whole cluster, and the node each one runs on.
using System.Globalization;
using System.Text;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>
/// ps [-eAf]: the processes of the caller's session (there is no controlling-terminal field to go by), or with -e
/// every process of the cluster; NODE is where each runs. -f adds STIME and shows whole command lines.
/// </summary>
public sealed class Ps : Program
{
    private static readonly OptionSpec PsSpec = new("eAf", """
        Usage: ps [-eAf]
        List processes: those of the caller's session, or with -e (or -A) every process of the cluster.
          -e, -A   every process
          -f       full format: STIME and whole command lines

        """);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var o = PsSpec.Parse(p.Args);
        if (CommandLine.Ends(o) || o.Operands.Count > 0)
        {
            foreach (var call in CommandLine.Ends(o) ? CommandLine.End(p, PsSpec, o) : CommandLine.Refuse(p, PsSpec, $"unexpected argument {Io.Quote(o.Operands[0])}"))
                yield return call;
            yield break;
        }
        yield return new ListProcesses();
        if (p.Failed)
        {
            yield return Io.Report(p, "cannot list processes");
            yield return new Exit(1);
            yield break;
        }
        var rows = p.Result.Processes.OrderBy(x => x.Pid).ToList();
        if (!o.Has('e') && !o.Has('A'))
        {
            yield return new GetPid();
            var me = p.Result.Pid;
            var self = rows.Find(x => x.Pid == me);
            if (self is not null) rows = rows.FindAll(x => x.Sid == self.Sid);
        }
        yield return Io.Out(Table(rows, o.Has('f'), DateTimeOffset.UtcNow));
        if (p.Failed) yield return new Exit(1);
    }

    public static string Table(List<ProcessInfo> rows, bool full, DateTimeOffset now)
    {
        var header = full
            ? new[] { "PID", "PPID", "PGID", "SID", "UID", "STAT", "NODE", "STIME", "TIME", "CMD" }
            : ["PID", "PPID", "PGID", "SID", "UID", "STAT", "NODE", "TIME", "CMD"];
        var table = new List<string[]> { header };
        foreach (var r in rows)
        {
            var cells = new List<string>
            {
                Number(r.Pid.Value), Number(r.Ppid.Value), Number(r.Pgid.Value), Number(r.Sid.Value), Number(r.Uid), r.StateLetter.ToString(), Number(r.Node.Value),
            };
            if (full) cells.Add(StartTime(r.StartTime, now));
            cells.Add(CpuTime(r.CpuTime));
            cells.Add(full ? r.Command : Path.GetFileName(r.Command.Split(' ')[0]));
            table.Add([.. cells]);
        }
        var widths = new int[header.Length];
        foreach (var cells in table)
            for (var c = 0; c < cells.Length; c++) widths[c] = Math.Max(widths[c], cells[c].Length);
        var s = new StringBuilder();
        foreach (var cells in table)
        {
            for (var c = 0; c < cells.Length - 1; c++)
            {
                // Numbers right-aligned, STAT and the times left-aligned, as procps prints them.
                var right = header[c] is "PID" or "PPID" or "PGID" or "SID" or "UID" or "NODE";
                s.Append(right ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c])).Append(' ');
            }
            s.Append(cells[^1]).Append('\n');
        }
        return s.ToString();
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>[D-]HH:MM:SS of CPU time.</summary>
    public static string CpuTime(TimeSpan t) =>
        (t.Days > 0 ? $"{t.Days}-" : "") + string.Create(CultureInfo.InvariantCulture, $"{t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}");

    /// <summary>HH:MM for a process started today (UTC), else MonDD.</summary>
    public static string StartTime(DateTimeOffset start, DateTimeOffset now)
    {
        var t = start.ToUniversalTime();
        return t.Date == now.ToUniversalTime().Date
            ? t.ToString("HH:mm", CultureInfo.InvariantCulture)
            : t.ToString("MMMdd", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// kill [-s SIGNAL | -SIGNAL] PID|-PGID... and kill -l [SIGNAL]...: SIGTERM by default; a negative number after the
/// signal (or after "--") is a process group. Exit 1 if any process could not be signalled.
/// </summary>
public sealed class Kill : Program
{
    private const string Usage = "Usage: kill [-s SIGNAL | -SIGNAL] PID...\n       kill -l [SIGNAL]...\n";

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var args = p.Args.Skip(1).ToList();
        if (args.Count > 0 && args[0] is "-l" or "-L")
        {
            if (args.Count == 1) yield return Io.Out(SignalList());
            var listed = 0;
            for (var i = 1; i < args.Count; i++)
            {
                if (Listed(args[i]) is { } text) yield return Io.Out(text + "\n");
                else
                {
                    yield return Io.Complain(p, $"unknown signal: {args[i]}");
                    listed = 1;
                }
            }
            yield return new Exit(listed);
            yield break;
        }
        var signal = Signal.SIGTERM;
        var at = 0;
        if (args.Count > 0 && args[0] == "-s")
        {
            if (args.Count < 2 || !Signal.TryParse(args[1], out signal))
            {
                yield return args.Count < 2 ? Io.Complain(p, "option requires an argument -- 's'") : Io.Complain(p, $"unknown signal: {args[1]}");
                yield return Io.Err(Usage);
                yield return new Exit(args.Count < 2 ? 2 : 1);
                yield break;
            }
            at = 2;
        }
        else if (args.Count > 0 && args[0].Length > 1 && args[0][0] == '-' && args[0] != "--")
        {
            if (!Signal.TryParse(args[0][1..], out signal))
            {
                yield return Io.Complain(p, $"unknown signal: {args[0][1..]}");
                yield return new Exit(1);
                yield break;
            }
            at = 1;
        }
        if (at < args.Count && args[at] == "--") at++;
        if (at >= args.Count)
        {
            yield return Io.Complain(p, "not enough arguments");
            yield return Io.Err(Usage);
            yield return new Exit(2);
            yield break;
        }
        var status = 0;
        for (var i = at; i < args.Count; i++)
        {
            if (!int.TryParse(args[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid))
            {
                yield return Io.Complain(p, $"failed to parse argument: {Io.Quote(args[i])}");
                status = 1;
                continue;
            }
            yield return new Programs.Kill(pid, signal);
            if (!p.Failed) continue;
            yield return Io.Complain(p, $"({pid}) - {p.Result.Error!.Value.Describe()}");
            status = 1;
        }
        yield return new Exit(status);
    }

    /// <summary>kill -l: every signal name, wrapped before 80 columns.</summary>
    private static string SignalList()
    {
        var s = new StringBuilder();
        var line = 0;
        for (var n = 1; n <= Signal.Max; n++)
        {
            var name = Signal.Name(n);
            if (line > 0 && line + 1 + name.Length > 79)
            {
                s.Append('\n');
                line = 0;
            }
            if (line > 0)
            {
                s.Append(' ');
                line++;
            }
            s.Append(name);
            line += name.Length;
        }
        return s.Append('\n').ToString();
    }

    /// <summary>kill -l ARG: the name of a number (or of an exit status 128+N), the number of a name.</summary>
    private static string? Listed(string arg)
    {
        if (int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number > 128) number -= 128;
            return Signal.IsValid(number) ? Signal.Name(number) : null;
        }
        return Signal.TryParse(arg, out var signal) && signal != 0 ? signal.ToString(CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>where_pid PID...: the number of the node each process runs on, one a line.</summary>
public sealed class WherePid : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        if (p.Args.Length < 2)
        {
            yield return Io.Err("Usage: where_pid PID...\n");
            yield return new Exit(2);
            yield break;
        }
        var status = 0;
        for (var i = 1; i < p.Args.Length; i++)
        {
            if (!int.TryParse(p.Args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            {
                yield return Io.Complain(p, $"invalid PID {Io.Quote(p.Args[i])}");
                status = 1;
                continue;
            }
            yield return new WhereIs(new Pid(pid));
            if (p.Failed)
            {
                yield return Io.Report(p, p.Args[i]);
                status = 1;
                continue;
            }
            yield return Io.Out(p.Result.Value.ToString(CultureInfo.InvariantCulture) + "\n");
            if (p.Failed) yield return new Exit(1);
        }
        yield return new Exit(status);
    }
}

/// <summary>
/// onnode NODE PROGRAM [ARG]...: runs PROGRAM (a bare name from /bin) in a child forked onto NODE and exits as the
/// child did (128+N for a signal). The child reports a failed exec as a shell would: 127 if there is no such
/// program, 126 if it cannot be run.
/// </summary>
public sealed class Onnode : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        if (p.Args.Length < 3)
        {
            yield return Io.Err("Usage: onnode NODE PROGRAM [ARG]...\n");
            yield return new Exit(2);
            yield break;
        }
        if (!int.TryParse(p.Args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var node))
        {
            yield return Io.Complain(p, $"invalid node number {Io.Quote(p.Args[1])}");
            yield return new Exit(2);
            yield break;
        }
        var program = p.Args[2];
        if (node == 0)
        {
            // There is no node 0: say what a fork there would answer.
            yield return Io.Complain(p, $"node {node}", Errno.EHOSTDOWN);
            yield return new Exit(1);
            yield break;
        }
        foreach (var call in RunOn(p, node, p.Args[2..])) yield return call;
    }

    /// <summary>Runs argv in a child forked onto <paramref name="node"/> and exits as it did; for onnode and fast.</summary>
    public static IEnumerable<SystemCall> RunOn(ProcessContext p, int node, string[] argv)
    {
        var program = argv[0];
        yield return new Fork(new NodeNumber(node));
        if (p.Failed)
        {
            yield return Io.Report(p, $"node {node}");
            yield return new Exit(1);
            yield break;
        }
        if (p.Result.Value == 0)
        {
            yield return new Exec(program.Contains('/') ? program : "/bin/" + program, argv);
            var error = p.Result.Error ?? Errno.EIO;
            yield return Io.Complain(p, program, error);
            yield return new Exit(error is Errno.ENOENT or Errno.ENOTDIR ? 127 : 126);
            yield break;
        }
        var child = p.Result.Int;
        while (true)
        {
            yield return new Wait(child);
            if (!p.Failed)
            {
                yield return new Exit(WaitStatus.ShellCode(p.Result.Status));
                yield break;
            }
            if (p.Result.Error != Errno.EINTR) break;
        }
        yield return Io.Report(p, $"wait for {child}");
        yield return new Exit(1);
    }
}

/// <summary>
/// fast PROGRAM [ARG]...: OpenSSI's fast, which runs PROGRAM on the least loaded node: here the node that is up and
/// runs the fewest live processes (the lowest number on a tie), as onnode would run it there.
/// </summary>
public sealed class Fast : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        if (p.Args.Length < 2)
        {
            yield return Io.Err("Usage: fast PROGRAM [ARG]...\n");
            yield return new Exit(2);
            yield break;
        }
        yield return new ListNodes();
        var up = p.Result.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        yield return new ListProcesses();
        if (p.Failed || up.Count == 0)
        {
            yield return Io.Complain(p, "no node to run on", p.Result.Error ?? Errno.EHOSTDOWN);
            yield return new Exit(1);
            yield break;
        }
        var load = up.ToDictionary(n => n, _ => 0);
        foreach (var process in p.Result.Processes)
            if (process.State != Ssi.Vproc.ProcessTable.RunState.Zombie && load.ContainsKey(process.Node.Value)) load[process.Node.Value]++;
        var node = load.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
        foreach (var call in Onnode.RunOn(p, node, p.Args[1..])) yield return call;
    }
}
