// Programs the process benchmark runs inside the cluster; installed the way users add programs (an assembly in /usr/lib).
// An assembly of its own, because exec refuses program assemblies named like ours.
using System.Globalization;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Vproc.Programs;

namespace BenchPrograms;

/// <summary>
/// bench-spawnwait COUNT NODE PATH [WARMUP_S]: fork a child on NODE that execs PATH, and wait for it; the first time
/// (cold) is printed on its own, then for WARMUP_S seconds untimed, then COUNT times timed.
/// </summary>
public sealed class SpawnWait : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var node = new NodeNumber(int.Parse(p.Args[2], CultureInfo.InvariantCulture));
        var path = p.Args[3];
        var warmup = p.Args.Length > 4 ? (long)(double.Parse(p.Args[4], CultureInfo.InvariantCulture) * 1e6) : 0;
        var times = new List<long>();
        long? first = null;
        long warmupEnds = 0;
        while (times.Count < count)
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
            if (first is null)
            {
                first = p.Result.Value - start;
                warmupEnds = p.Result.Value + warmup;
            }
            else if (start >= warmupEnds) times.Add(p.Result.Value - start);
        }
        yield return Io.Out($"spawn-wait-first-us {first}\nspawn-wait-us " + string.Join(' ', times) + "\n");
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

/// <summary>
/// bench-signalloop COUNT PID [WARMUP_S]: send SIGCONT (delivered, acknowledged, harmless) to PID and time it; the first
/// time (cold) is printed on its own, then for WARMUP_S seconds untimed, then COUNT times timed.
/// </summary>
public sealed class SignalLoop : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var pid = int.Parse(p.Args[2], CultureInfo.InvariantCulture);
        var warmup = p.Args.Length > 3 ? (long)(double.Parse(p.Args[3], CultureInfo.InvariantCulture) * 1e6) : 0;
        var times = new List<long>();
        long? first = null;
        long warmupEnds = 0;
        while (times.Count < count)
        {
            yield return new GetTime();
            var start = p.Result.Value;
            yield return new Kill(pid, Signal.SIGCONT);
            if (p.Failed) break;
            yield return new GetTime();
            if (first is null)
            {
                first = p.Result.Value - start;
                warmupEnds = p.Result.Value + warmup;
            }
            else if (start >= warmupEnds) times.Add(p.Result.Value - start);
        }
        yield return Io.Out($"signal-first-us {first}\nsignal-us " + string.Join(' ', times) + "\n");
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

/// <summary>
/// bench-pipeflow WARMUP_S ROUNDS BYTES CHUNK WRITER_NODE: pipes BYTES from a child on WRITER_NODE (CHUNK-byte writes)
/// to this process (64 KiB reads), first for WARMUP_S seconds untimed, then ROUNDS times timed; prints MB/s per round.
/// </summary>
public sealed class PipeFlow : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var warmup = TimeSpan.FromSeconds(double.Parse(p.Args[1], CultureInfo.InvariantCulture));
        var rounds = int.Parse(p.Args[2], CultureInfo.InvariantCulture);
        var bytes = long.Parse(p.Args[3], CultureInfo.InvariantCulture);
        var chunk = int.Parse(p.Args[4], CultureInfo.InvariantCulture);
        var node = new NodeNumber(int.Parse(p.Args[5], CultureInfo.InvariantCulture));
        var rates = new List<string>();
        yield return new GetTime();
        var warmupEnds = p.Result.Value + (long)warmup.TotalMicroseconds;
        var timed = 0;
        while (timed < rounds)
        {
            yield return new Pipe();
            if (p.Failed) yield return new Exit(3);
            var (reader, writer) = p.Result.PipeEnds;
            yield return new GetTime();
            var start = p.Result.Value;
            yield return new Fork(node);
            if (p.Failed) yield return new Exit(4);
            if (p.Result.Value == 0)
            {
                yield return new Close(reader);
                var data = new byte[chunk];
                for (long sent = 0; sent < bytes; sent += chunk)
                {
                    yield return new Write(writer, sent + chunk <= bytes ? data : data[..(int)(bytes - sent)]);
                    if (p.Failed) yield return new Exit(5);
                }
                yield return new Exit(0);
            }
            yield return new Close(writer);
            long got = 0;
            while (true)
            {
                yield return new Read(reader, 65536);
                if (p.Failed) yield return new Exit(6);
                if (p.Result.Data.Length == 0) break;
                got += p.Result.Data.Length;
            }
            yield return new GetTime();
            var end = p.Result.Value;
            yield return new Close(reader);
            yield return new Wait();
            if (got != bytes) yield return new Exit(7);
            if (start >= warmupEnds)
            {
                rates.Add((bytes / (double)(end - start)).ToString("0.###", CultureInfo.InvariantCulture)); // bytes per µs = MB/s
                timed++;
            }
        }
        yield return Io.Out("pipe-mbps " + string.Join(' ', rates) + "\n");
    }
}

/// <summary>
/// bench-pingpong WARMUP_S COUNT NODE: a child on NODE echoes one byte from one pipe to another; this process times
/// COUNT round trips after WARMUP_S seconds of untimed ones, and prints them in microseconds.
/// </summary>
public sealed class PingPong : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var warmup = TimeSpan.FromSeconds(double.Parse(p.Args[1], CultureInfo.InvariantCulture));
        var count = int.Parse(p.Args[2], CultureInfo.InvariantCulture);
        var node = new NodeNumber(int.Parse(p.Args[3], CultureInfo.InvariantCulture));
        yield return new Pipe();
        var (pingRead, pingWrite) = p.Result.PipeEnds;
        yield return new Pipe();
        var (pongRead, pongWrite) = p.Result.PipeEnds;
        yield return new Fork(node);
        if (p.Failed) yield return new Exit(4);
        if (p.Result.Value == 0)
        {
            yield return new Close(pingWrite);
            yield return new Close(pongRead);
            while (true)
            {
                yield return new Read(pingRead, 1);
                if (p.Failed || p.Result.Data.Length == 0) yield return new Exit(0);
                yield return new Write(pongWrite, p.Result.Data);
            }
        }
        yield return new Close(pingRead);
        yield return new Close(pongWrite);
        var one = new byte[] { 1 };
        var times = new List<long>();
        yield return new GetTime();
        var warmupEnds = p.Result.Value + (long)warmup.TotalMicroseconds;
        while (times.Count < count)
        {
            yield return new GetTime();
            var start = p.Result.Value;
            yield return new Write(pingWrite, one);
            yield return new Read(pongRead, 1);
            if (p.Failed || p.Result.Data.Length != 1) yield return new Exit(5);
            yield return new GetTime();
            if (start >= warmupEnds) times.Add(p.Result.Value - start);
        }
        yield return new Close(pingWrite);
        yield return new Wait();
        yield return Io.Out("pingpong-us " + string.Join(' ', times) + "\n");
    }
}

/// <summary>bench-holdpipes COUNT: makes COUNT pipes (two descriptors each) and keeps them open until killed.</summary>
public sealed class HoldPipes : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var made = 0;
        for (; made < count; made++)
        {
            yield return new Pipe();
            if (p.Failed) break;
        }
        yield return Io.Out($"pipes {made}\n");
        while (true) yield return new Pause();
    }
}

/// <summary>
/// bench-chaosfamily COUNT LOG NODES: forks COUNT children, the i-th on the i-th of NODES (comma-separated; this node
/// where that one is down), each sleeping a while and exiting with status i; then waits for them all. Appends
/// "forked I PID", "reaped PID STATUS" (the raw wait status), then "done" or "echild" to LOG, so `ssi chaos` can check
/// that every child's end was reported exactly once. Exits 3 if the log cannot be written, 4 if a wait found no child left.
/// </summary>
public sealed class ChaosFamily : Ssi.Vproc.Programs.Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var count = int.Parse(p.Args[1], CultureInfo.InvariantCulture);
        var log = p.Args[2];
        var nodes = p.Args[3].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        yield return new Open(log, Ssi.Cfs.Files.OpenFlags.WriteOnly | Ssi.Cfs.Files.OpenFlags.Create | Ssi.Cfs.Files.OpenFlags.Append, 0x1A4);
        if (p.Failed)
        {
            yield return Io.Report(p, log);
            yield return new Exit(3);
        }
        var fd = p.Result.Fd;
        var forked = 0;
        for (var i = 1; i <= count; i++)
        {
            yield return new Fork(new NodeNumber(nodes[(i - 1) % nodes.Length]));
            if (p.Failed) yield return new Fork();
            if (p.Failed) break;
            if (p.Result.Value == 0)
            {
                yield return new Sleep(TimeSpan.FromMilliseconds(200 + i * 397 % 1800));
                yield return new Exit(i);
            }
            forked++;
            yield return new Write(fd, Io.Bytes($"forked {i} {p.Result.Value}\n"));
            if (p.Failed)
            {
                yield return Io.Report(p, log);
                yield return new Exit(3);
            }
        }
        for (var i = 0; i < forked; i++)
        {
            yield return new Wait();
            if (p.Failed)
            {
                yield return new Write(fd, Io.Bytes("echild\n"));
                yield return new Exit(4);
            }
            yield return new Write(fd, Io.Bytes($"reaped {p.Result.Value} {p.Result.Status}\n"));
            if (p.Failed)
            {
                yield return Io.Report(p, log);
                yield return new Exit(3);
            }
        }
        yield return new Write(fd, Io.Bytes("done\n"));
        yield return new Exit(p.Failed ? 3 : 0);
    }
}
