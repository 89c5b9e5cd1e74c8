// Programs the job-control specs run: a parent that stops, continues and ends a child on another node, and a shell-like parent that leaves a stopped job.
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Files;
using Ssi.Vproc.Programs;

namespace SpecPrograms;

/// <summary>
/// t-jobwait NODE: a child on NODE in a group of its own; the parent stops it, continues it and kills it, prints each
/// change that waitpid(-PGID, WUNTRACED | WCONTINUED) reports, then the SIGCHLDs its handler (SA_RESTART) saw.
/// </summary>
public sealed class JobWait : Program
{
    public int Sigchld;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new SigAction(Signal.SIGCHLD, Disposition.Handle, Restart: true);
        yield return new Fork(new NodeNumber(int.Parse(p.Args[1])));
        if (p.Result.Value == 0)
        {
            yield return new SetPgid(0, 0);
            while (true) yield return new Pause();
        }
        var child = p.Result.Int;
        yield return new SetPgid(child, child);
        foreach (var signal in new[] { Signal.SIGSTOP, Signal.SIGCONT, Signal.SIGTERM })
        {
            yield return new Kill(child, signal);
            yield return new Wait(-child, WaitOptions.Untraced | WaitOptions.Continued);
            if (p.Failed)
            {
                yield return Io.Out($"wait failed: {p.Result.Error}\n");
                yield return new Exit(1);
            }
            var status = p.Result.Status;
            var what = WaitStatus.IfStopped(status) ? $"stopped by {WaitStatus.StopSig(status)}"
                : WaitStatus.IfContinued(status) ? "continued"
                : WaitStatus.IfSignaled(status) ? $"killed by {WaitStatus.TermSig(status)}"
                : $"exited {WaitStatus.ExitStatus(status)}";
            yield return Io.Out($"{(p.Result.Int == child ? "child" : p.Result.Int.ToString())} {what}\n");
        }
        yield return new Wait(-child, WaitOptions.Untraced | WaitOptions.NoHang);
        yield return Io.Out($"then: {p.Result.Error}\n");
        yield return Io.Out($"sigchld {Sigchld}\n");
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        if (signal == Signal.SIGCHLD) Sigchld++;
        yield break;
    }
}

/// <summary>
/// t-orphanjob NODE FILE: like a shell that exits leaving a stopped job. The child (on NODE) goes to a group of its own
/// and stops itself; the parent sees it stopped and exits. The orphaned job gets SIGHUP and SIGCONT: the child's
/// handler counts the SIGHUP, and the child writes "PID hup N" to FILE in the cluster file system and exits.
/// </summary>
public sealed class OrphanJob : Program
{
    public int Hangups;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Fork(new NodeNumber(int.Parse(p.Args[1])));
        if (p.Result.Value == 0)
        {
            yield return new SetPgid(0, 0);
            yield return new SigAction(Signal.SIGHUP, Disposition.Handle);
            yield return new GetPid();
            var pid = p.Result.Int;
            yield return new Kill(pid, Signal.SIGSTOP);
            yield return new Open(p.Args[2], OpenFlags.WriteOnly | OpenFlags.Create);
            var fd = p.Result.Fd;
            yield return new Write(fd, Encoding.UTF8.GetBytes($"{pid} hup {Hangups}\n"));
            yield return new Close(fd);
            yield break;
        }
        var child = p.Result.Int;
        yield return new SetPgid(child, child);
        yield return new Wait(child, WaitOptions.Untraced);
        yield return Io.Out(WaitStatus.IfStopped(p.Result.Status) ? $"job {child} stopped by {WaitStatus.StopSig(p.Result.Status)}\n" : $"job {child}: {p.Result.Error} {p.Result.Status}\n");
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        if (signal == Signal.SIGHUP) Hangups++;
        yield break;
    }
}
