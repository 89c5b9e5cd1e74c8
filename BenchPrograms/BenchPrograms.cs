// Programs the process benchmark runs inside the cluster; installed the way users add programs (an assembly in /usr/lib).
// An assembly of its own, because exec refuses program assemblies named like ours.
using System.Globalization;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Vproc.Programs;

namespace BenchPrograms;

/// <summary>bench-spawnwait COUNT NODE PATH: COUNT times fork a child on NODE that execs PATH, and wait for it.</summary>
public sealed class SpawnWait : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var node = new NodeNumber(int.Parse(p.Args[2], CultureInfo.InvariantCulture));
        var path = p.Args[3];
        var times = new List<long>();
        for (var i = 0; i < count; i++)
        {
            yield return new GetTime();
            var start = p.Result.Value;
            yield return new Fork(node);
            if (p.Failed) break;
            if (p.Result.Value == 0)
            {
                yield return new Exec(path, [path]);
                yield return new Exit(127);
            }
            yield return new Wait();
            if (p.Failed || !WaitStatus.IfExited(p.Result.Status) || WaitStatus.ExitStatus(p.Result.Status) != 0) break;
            yield return new GetTime();
            times.Add(p.Result.Value - start);
        }
        yield return Io.Out("spawn-wait-us " + string.Join(' ', times) + "\n");
    }
}

/// <summary>bench-spawnburst COUNT NODE PATH: fork COUNT children on NODE that exec PATH, then wait for them all.</summary>
public sealed class SpawnBurst : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var node = new NodeNumber(int.Parse(p.Args[2], CultureInfo.InvariantCulture));
        var path = p.Args[3];
        yield return new GetTime();
        var start = p.Result.Value;
        var made = 0;
        for (var i = 0; i < count; i++)
        {
            yield return new Fork(node);
            if (p.Failed) break;
            if (p.Result.Value == 0)
            {
                yield return new Exec(path, [path]);
                yield return new Exit(127);
            }
            made++;
        }
        for (var i = 0; i < made; i++) yield return new Wait();
        yield return new GetTime();
        yield return Io.Out($"burst {made} {p.Result.Value - start}\n");
    }
}

/// <summary>bench-sleepers COUNT: COUNT children on this node that pause until killed; says when all exist, then pauses.</summary>
public sealed class Sleepers : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var made = 0;
        for (var i = 0; i < count; i++)
        {
            yield return new Fork();
            if (p.Failed)
            {
                yield return Io.Out($"fork failed after {made}: {p.Result.Error}\n");
                break;
            }
            if (p.Result.Value == 0)
            {
                while (true) yield return new Pause();
            }
            made++;
        }
        yield return Io.Out($"sleepers {made}\n");
        while (true) yield return new Pause();
    }
}

/// <summary>bench-signalloop COUNT PID: COUNT times send SIGCONT (delivered, acknowledged, harmless) to PID and time it.</summary>
public sealed class SignalLoop : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var pid = int.Parse(p.Args[2], CultureInfo.InvariantCulture);
        var times = new List<long>();
        for (var i = 0; i < count; i++)
        {
            yield return new GetTime();
            var start = p.Result.Value;
            yield return new Kill(pid, Signal.SIGCONT);
            if (p.Failed) break;
            yield return new GetTime();
            times.Add(p.Result.Value - start);
        }
        yield return Io.Out("signal-us " + string.Join(' ', times) + "\n");
    }
}

/// <summary>
/// bench-holdfiles FILE...: opens each file, reads a little of each (so each has an offset), then counts SIGUSR1 in
/// its handler, writing "n\n" for the nth, until its input ends.
/// </summary>
public sealed class HoldFiles : Ssi.Vproc.Programs.Program
{
    public int Count;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new SigAction(Signal.SIGUSR1, Disposition.Handle);
        for (var i = 1; i < p.Args.Length; i++)
        {
            yield return new Open(p.Args[i]);
            if (p.Failed) yield return new Exit(1);
            yield return new Read(p.Result.Fd, 10);
        }
        yield return Io.Out("ready\n");
        while (true)
        {
            yield return new Read(Fd.Stdin, 10);
            if (!p.Failed && p.Result.Data.Length == 0) break;
        }
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        Count++;
        yield return Io.Out($"{Count}\n");
    }
}
