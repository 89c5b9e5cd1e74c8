// Programs the multi-node specs run: an assembly of its own, because exec refuses program assemblies named like ours.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Files;
using Ssi.Vproc.Programs;

namespace SpecPrograms;

/// <summary>t-forkandwait NODE CODE: a child on NODE exits with CODE; the parent waits and prints what it got.</summary>
public sealed class ForkAndWait : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var node = new NodeNumber(int.Parse(p.Args[1]));
        var code = int.Parse(p.Args[2]);
        yield return new GetNode();
        var parentNode = p.Result.Int;
        yield return new Fork(node);
        if (p.Failed)
        {
            yield return Io.Out($"fork failed: {p.Result.Error}\n");
            yield return new Exit(3);
        }
        if (p.Result.Value == 0)
        {
            yield return new GetNode();
            yield return Io.Out($"child runs on node {p.Result.Int}\n");
            yield return new Exit(code);
        }
        var child = p.Result.Int;
        yield return new Wait();
        var status = p.Result.Status;
        yield return Io.Out($"parent on node {parentNode}: child {child} reaped as {p.Result.Int}, exit code {WaitStatus.ExitStatus(status)}, exited {WaitStatus.IfExited(status)}\n");
        yield return new Wait();
        yield return Io.Out($"second wait: {p.Result.Error}\n");
    }
}

/// <summary>
/// t-orphan NODE FILE: the child (on NODE) leaves the terminal's group, waits until init has adopted it, writes its
/// PID and new parent to FILE in the cluster file system and exits; the parent exits at once.
/// </summary>
public sealed class Orphan : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Fork(new NodeNumber(int.Parse(p.Args[1])));
        if (p.Result.Value != 0) yield break;
        yield return new SetPgid(0, 0);
        yield return new SigAction(Signal.SIGHUP, Disposition.Ignore);
        while (true)
        {
            yield return new GetPpid();
            if (p.Result.Value == 1) break;
            yield return new Sleep(TimeSpan.FromMilliseconds(20));
        }
        yield return new GetPid();
        var pid = p.Result.Int;
        yield return new Open(p.Args[2], Ssi.Cfs.Files.OpenFlags.WriteOnly | Ssi.Cfs.Files.OpenFlags.Create);
        var fd = p.Result.Fd;
        yield return new Write(fd, Encoding.UTF8.GetBytes($"{pid} adopted by 1\n"));
        yield return new Close(fd);
    }
}

/// <summary>t-interruptedread: handles SIGUSR1, says ready, and reports how a blocking read of stdin ended.</summary>
public sealed class InterruptedRead : Program
{
    public int Handled;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new SigAction(Signal.SIGUSR1, Disposition.Handle);
        yield return Io.Out("ready\n");
        yield return new Read(Fd.Stdin, 100);
        var outcome = p.Failed ? p.Result.Error.ToString() : $"{p.Result.Data.Length} bytes";
        yield return Io.Out($"read ended: {outcome}; handler saw signal {Handled}\n");
        yield return new Read(Fd.Stdin, 100);
        yield return Io.Out($"then read: {Encoding.UTF8.GetString(p.Result.Data)}\n");
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        Handled = signal;
        yield return Io.Out($"handler: signal {signal}\n");
    }
}

/// <summary>t-crash: a program with a bug.</summary>
public sealed class Crash : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return Io.Out("about to fail\n");
        throw new InvalidOperationException("a bug in a program");
    }
}

/// <summary>
/// t-forkbomb N NODE [nohup]: N children on NODE that sleep until killed (with "nohup", SIGHUP cannot: they outlive
/// their session's hang-up); prints their PIDs, then waits for them all.
/// </summary>
public sealed class ForkBomb : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1]);
        var node = new NodeNumber(int.Parse(p.Args[2]));
        var children = new List<int>();
        for (var i = 0; i < count; i++)
        {
            yield return new Fork(node);
            if (p.Result.Value == 0)
            {
                if (p.Args.Length > 3 && p.Args[3] == "nohup") yield return new SigAction(Ssi.Actors.Signals.Signal.SIGHUP, Disposition.Ignore);
                yield return new Pause();
                yield return new Exit(0);
            }
            children.Add(p.Result.Int);
        }
        yield return Io.Out("children " + string.Join(' ', children) + "\n");
        foreach (var _ in children)
        {
            yield return new Wait();
            yield return Io.Out($"reaped {p.Result.Int} status {p.Result.Status}\n");
        }
    }
}

/// <summary>
/// t-quickchildren N NODE: N times, a child on NODE that exits at once with code i, and a wait for it; prints the codes.
/// A child often exits before its parent has heard that it was created.
/// </summary>
public sealed class QuickChildren : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1]);
        var node = new NodeNumber(int.Parse(p.Args[2]));
        var codes = new List<int>();
        for (var i = 0; i < count; i++)
        {
            yield return new Fork(node);
            if (p.Result.Value == 0) yield return new Exit(i);
            yield return new Wait();
            codes.Add(WaitStatus.ExitStatus(p.Result.Status));
        }
        yield return Io.Out("codes " + string.Join(' ', codes) + "\n");
    }
}

/// <summary>t-slowcat FILE: copies FILE to stdout 8 bytes at a time with a short sleep between, then says where it ended.</summary>
public sealed class SlowCat : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Open(p.Args[1]);
        var fd = p.Result.Fd;
        while (true)
        {
            yield return new Read(fd, 8);
            if (p.Failed || p.Result.Data.Length == 0) break;
            yield return new Write(Fd.Stdout, p.Result.Data);
            yield return new Sleep(TimeSpan.FromMilliseconds(20));
        }
        yield return new GetNode();
        yield return Io.Out($"|ended on node {p.Result.Int}\n");
    }
}

/// <summary>t-countsignals: counts SIGUSR1 in its handler, writing "got N" for each; ends at end of input.</summary>
public sealed class CountSignals : Program
{
    public int Count;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new SigAction(Signal.SIGUSR1, Disposition.Handle);
        yield return Io.Out("ready\n");
        while (true)
        {
            yield return new Read(Fd.Stdin, 10);
            if (!p.Failed && p.Result.Data.Length == 0) break; // end of input; EINTR just reads again
        }
        yield return new GetNode();
        yield return Io.Out($"counted {Count} on node {p.Result.Int}\n");
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        Count++;
        yield return Io.Out($"got {Count}\n");
    }
}

/// <summary>t-hop NODE...: moves itself to each node in turn (saying where it is), then rexecs echo on the first.</summary>
public sealed class Hop : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new GetPid();
        var pid = p.Result.Int;
        for (var i = 1; i < p.Args.Length; i++)
        {
            yield return new Migrate(new NodeNumber(int.Parse(p.Args[i])));
            var outcome = p.Failed ? p.Result.Error.ToString() : "ok";
            yield return new GetNode();
            yield return Io.Out($"pid {pid} migrate {p.Args[i]}: {outcome}, on node {p.Result.Int}\n");
        }
        yield return new Rexec(new NodeNumber(int.Parse(p.Args[1])), "/bin/echo", ["echo", "rexec", "done"]);
        yield return Io.Out($"rexec failed: {p.Result.Error}\n");
    }
}

/// <summary>t-gotoself NODE: writes NODE to /proc/self/goto, then says what the write returned and where it is.</summary>
public sealed class GotoSelf : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Open("/proc/self/goto", Ssi.Cfs.Files.OpenFlags.WriteOnly);
        if (p.Failed)
        {
            yield return Io.Out($"open: {p.Result.Error}\n");
            yield return new Exit(1);
        }
        var fd = p.Result.Fd;
        yield return new Write(fd, Encoding.UTF8.GetBytes(p.Args[1] + "\n"));
        var wrote = p.Failed ? p.Result.Error.ToString() : p.Result.Int.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return new Close(fd);
        yield return new GetNode();
        yield return Io.Out($"wrote {wrote} now on node {p.Result.Int}\n");
    }
}

/// <summary>t-isatty: what each of descriptors 0, 1 and 2 is, as isatty(3) decides (fstat: a character device is a terminal): "0:tty 1:pipe 2:tty".</summary>
public sealed class IsATty : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var kinds = new List<string>();
        foreach (var fd in new[] { Io.Stdin, Io.Stdout, Io.Stderr })
        {
            yield return new Fstat(fd);
            var kind = p.Failed ? p.Result.Error!.Value.ToString() : p.Result.Stat!.Type switch
            {
                Ssi.Cfs.Inodes.InodeType.CharDevice => "tty",
                Ssi.Cfs.Inodes.InodeType.Fifo => "pipe",
                var other => other.ToString().ToLowerInvariant(),
            };
            kinds.Add($"{fd.Value}:{kind}");
        }
        yield return Io.Out(string.Join(' ', kinds) + "\n");
    }
}

/// <summary>
/// t-then CMD ARGS... [';' CMD ARGS...]...: runs each command from /bin in turn (fork, exec, wait) in this process's
/// session and group, so several programs share one terminal as under a shell (stty, then a reader); exits with the
/// last one's status.
/// </summary>
public sealed class Then : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var commands = new List<string[]>();
        var current = new List<string>();
        foreach (var arg in p.Args.Skip(1))
        {
            if (arg == ";")
            {
                commands.Add([.. current]);
                current.Clear();
            }
            else current.Add(arg);
        }
        commands.Add([.. current]);
        var status = 0;
        foreach (var command in commands.ToArray()) // an array: fork captures the loop, and LINQ's iterators are not plain data
        {
            if (command.Length == 0) continue;
            yield return new Fork();
            if (p.Result.Int == 0)
            {
                yield return new Exec("/bin/" + command[0], command);
                yield return new Exit(127);
                yield break;
            }
            yield return new Wait(p.Result.Int);
            status = p.Result.Status;
        }
        yield return new Exit(WaitStatus.ShellCode(status));
    }
}

/// <summary>
/// t-bgread: a child in a process group of its own reads the terminal (on another node, when run away from it) from the background and
/// is stopped by SIGTTIN; the parent, seeing it stopped, gives it the terminal (tcsetpgrp) and continues it, and the
/// child's read, made again, gets what is typed. It prints each stage; the exit status is the child's.
/// </summary>
public sealed class BackgroundRead : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Fork();
        var child = p.Result.Int;
        if (child == 0)
        {
            yield return new SetPgid(0, 0);
            yield return new Read(Io.Stdin, 100);
            var read = p.Failed ? "error " + p.Result.Error : Encoding.UTF8.GetString(p.Result.Data).TrimEnd('\n');
            yield return Io.Out($"child read: {read}\n");
            yield break;
        }
        var stopped = false;
        while (!stopped)
        {
            yield return new ListProcesses();
            foreach (var info in p.Result.Processes) // no lambda: a closure would be part of the state fork copies
                stopped |= info.Pid.Value == child && info.State == Ssi.Vproc.ProcessTable.RunState.Stopped;
            if (!stopped) yield return new Sleep(TimeSpan.FromMilliseconds(100));
        }
        yield return Io.Out("child stopped\n");
        yield return new TcSetPgrp(Io.Stdin, child);
        if (p.Failed)
        {
            yield return Io.Out($"tcsetpgrp: {p.Result.Error}\n");
            yield return new Exit(2);
            yield break;
        }
        yield return new Kill(child, Signal.SIGCONT);
        yield return new Wait(child);
        yield return new Exit(WaitStatus.ShellCode(p.Result.Status));
    }
}
