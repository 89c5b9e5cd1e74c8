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

/// <summary>t-forkbomb N NODE: N children on NODE that sleep until killed; prints their PIDs, then waits for them all.</summary>
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
/// t-pipeflow WRITER_NODE BYTES CHUNK [HOPS...]: a pipe; a child forked to WRITER_NODE writes BYTES of a known pattern in
/// CHUNK-byte writes, the parent reads to end of file and checks every byte. With HOPS (node numbers), the writer and
/// the reader each move to the next of them after every BYTES/(HOPS+1) bytes, so both ends travel while data flows
/// (the writer in the order given, the reader in reverse). The writer's exit code is the node it ended on.
/// </summary>
public sealed class PipeFlow : Program
{
    public long Total;
    public long FirstBad = -1;

    public static byte PatternAt(long i) => (byte)(i % 251);

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var writerNode = new NodeNumber(int.Parse(p.Args[1]));
        var bytes = long.Parse(p.Args[2]);
        var chunk = int.Parse(p.Args[3]);
        var hops = p.Args.Skip(4).Select(a => new NodeNumber(int.Parse(a))).ToArray();
        var leg = bytes / (hops.Length + 1);
        yield return new Pipe();
        if (p.Failed)
        {
            yield return Io.Out($"pipe: {p.Result.Error}\n");
            yield return new Exit(3);
        }
        var (reader, writer) = p.Result.PipeEnds;
        yield return new Fork(writerNode);
        if (p.Result.Value == 0)
        {
            yield return new Close(reader);
            long sent = 0;
            var hop = 0;
            while (sent < bytes)
            {
                var size = (int)Math.Min(chunk, bytes - sent);
                var data = new byte[size];
                for (var i = 0; i < size; i++) data[i] = PatternAt(sent + i);
                yield return new Write(writer, data);
                if (p.Failed)
                {
                    yield return Io.Out($"writer: write: {p.Result.Error}\n");
                    yield return new Exit(4);
                }
                sent += p.Result.Value;
                if (hop < hops.Length && sent >= leg * (hop + 1)) yield return new Migrate(hops[hop++]);
            }
            yield return new GetNode();
            yield return new Exit(p.Result.Int); // where the writer ended up
        }
        var child = p.Result.Int;
        yield return new Close(writer);
        var moved = 0;
        while (true)
        {
            yield return new Read(reader, 65536);
            if (p.Failed)
            {
                yield return Io.Out($"reader: read: {p.Result.Error}\n");
                yield return new Exit(5);
            }
            var data = p.Result.Data;
            if (data.Length == 0) break;
            for (var i = 0; i < data.Length && FirstBad < 0; i++)
                if (data[i] != PatternAt(Total + i)) FirstBad = Total + i;
            Total += data.Length;
            if (moved < hops.Length && Total >= leg * (moved + 1)) yield return new Migrate(hops[hops.Length - 1 - moved++]);
        }
        yield return new Wait(child);
        var status = p.Result.Status;
        yield return new GetNode();
        yield return Io.Out($"read {Total} bytes, first bad byte {FirstBad}, writer exit {WaitStatus.ShellCode(status)}, reader on node {p.Result.Int}\n");
    }
}

/// <summary>
/// t-pipebroken NODE [ignore]: a pipe whose read end is closed; a child on NODE writes to it. By default SIGPIPE kills
/// the child; with "ignore" it ignores SIGPIPE and reports the write's errno.
/// </summary>
public sealed class PipeBroken : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Pipe();
        var (reader, writer) = p.Result.PipeEnds;
        yield return new Close(reader);
        yield return new Fork(new NodeNumber(int.Parse(p.Args[1])));
        if (p.Result.Value == 0)
        {
            if (p.Args.Length > 2 && p.Args[2] == "ignore") yield return new SigAction(Signal.SIGPIPE, Disposition.Ignore);
            yield return new Write(writer, Encoding.UTF8.GetBytes("nobody reads this"));
            yield return Io.Out($"child: write: {(p.Failed ? p.Result.Error.ToString() : p.Result.Value.ToString())}\n");
            yield return new Exit(0);
        }
        yield return new Wait();
        var status = p.Result.Status;
        yield return Io.Out(WaitStatus.IfSignaled(status) ? $"child killed by signal {WaitStatus.TermSig(status)}\n" : $"child exit {WaitStatus.ExitStatus(status)}\n");
    }
}

/// <summary>
/// t-pipeatomic RECORDS NODE...: a pipe with one writer per NODE, each writing RECORDS records of PIPE_BUF (4,096)
/// bytes filled with its own letter; the parent reads everything and counts the records that are not one letter.
/// </summary>
public sealed class PipeAtomic : Program
{
    public const int Record = 4096;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var records = int.Parse(p.Args[1]);
        var nodes = p.Args.Skip(2).Select(a => new NodeNumber(int.Parse(a))).ToArray();
        yield return new Pipe();
        var (reader, writer) = p.Result.PipeEnds;
        for (var w = 0; w < nodes.Length; w++)
        {
            yield return new Fork(nodes[w]);
            if (p.Result.Value == 0)
            {
                yield return new Close(reader);
                var data = Enumerable.Repeat((byte)('a' + w), Record).ToArray();
                for (var r = 0; r < records; r++)
                {
                    yield return new Write(writer, data);
                    if (p.Failed) yield return new Exit(4);
                }
                yield return new Exit(0);
            }
        }
        yield return new Close(writer);
        var all = new List<byte[]>();
        foreach (var call in Io.ReadAll(p, reader, all)) yield return call;
        var stream = Io.Concat(all);
        var mixed = 0;
        for (var at = 0; at + Record <= stream.Length; at += Record)
            if (stream.AsSpan(at, Record).IndexOfAnyExcept(stream[at]) >= 0) mixed++;
        for (var w = 0; w < nodes.Length; w++) yield return new Wait();
        yield return Io.Out($"{stream.Length} bytes, {stream.Length / Record} records, {mixed} mixed\n");
    }
}

/// <summary>t-pipeinterrupt: a read of an empty pipe (its write end held open) that a handled SIGUSR1 interrupts.</summary>
public sealed class PipeInterrupt : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new SigAction(Signal.SIGUSR1, Disposition.Handle);
        yield return new Pipe();
        var (reader, _) = p.Result.PipeEnds;
        yield return Io.Out("ready\n");
        yield return new Read(reader, 100);
        yield return Io.Out($"read ended: {(p.Failed ? p.Result.Error.ToString() : $"{p.Result.Data.Length} bytes")}\n");
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        yield break;
    }
}

/// <summary>
/// t-fifoopen PATH r|w [nonblock]: opens PATH for reading or writing, then reads it to the end (r) or writes "ping\n"
/// (w), and prints what happened at each step.
/// </summary>
public sealed class FifoOpen : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var write = p.Args[2] == "w";
        var flags = (write ? Ssi.Cfs.Files.OpenFlags.WriteOnly : Ssi.Cfs.Files.OpenFlags.ReadOnly)
            | (p.Args.Length > 3 && p.Args[3] == "nonblock" ? Ssi.Cfs.Files.OpenFlags.NonBlocking : 0);
        yield return new Open(p.Args[1], flags);
        if (p.Failed)
        {
            yield return Io.Out($"open: {p.Result.Error}\n");
            yield return new Exit(1);
        }
        var fd = p.Result.Fd;
        yield return Io.Out("opened\n");
        if (write)
        {
            yield return new Write(fd, Encoding.UTF8.GetBytes("ping\n"));
            yield return Io.Out(p.Failed ? $"write: {p.Result.Error}\n" : $"wrote {p.Result.Value}\n");
            yield break;
        }
        var all = new List<byte[]>();
        foreach (var call in Io.ReadAll(p, fd, all)) yield return call;
        yield return Io.Out($"read {Encoding.UTF8.GetString(Io.Concat(all))}|\n");
    }
}

/// <summary>
/// t-pipeloss WRITER_NODE READER_NODE: a pipe made here; a child on WRITER_NODE holds the write end and sleeps; this
/// process moves to READER_NODE and reads. Used to lose the pipe's node while the read waits.
/// </summary>
public sealed class PipeLoss : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Pipe();
        var (reader, writer) = p.Result.PipeEnds;
        yield return new Fork(new NodeNumber(int.Parse(p.Args[1])));
        if (p.Result.Value == 0)
        {
            yield return new Close(reader);
            yield return new Sleep(TimeSpan.FromSeconds(1000));
            yield return new Exit(0);
        }
        yield return new Close(writer);
        yield return new Migrate(new NodeNumber(int.Parse(p.Args[2])));
        yield return Io.Out(p.Failed ? $"migrate: {p.Result.Error}\n" : "ready\n");
        yield return new Read(reader, 100);
        yield return Io.Out($"read ended: {(p.Failed ? p.Result.Error.ToString() : $"{p.Result.Data.Length} bytes")}\n");
        yield return new Read(reader, 100);
        yield return Io.Out($"read again: {(p.Failed ? p.Result.Error.ToString() : $"{p.Result.Data.Length} bytes")}\n");
    }
}

/// <summary>
/// t-devices: uses each memory device through open descriptions and says what it got, one line each: 16 bytes of
/// /dev/zero and of /dev/urandom (as hex), a seek and an fstat of /dev/zero, a write to /dev/full (its errno), a
/// write and a read of /dev/null.
/// </summary>
public sealed class Devices : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        var lines = new List<string>();
        foreach (var (path, flags) in new[] { ("/dev/zero", OpenFlags.ReadOnly), ("/dev/urandom", OpenFlags.ReadOnly), ("/dev/full", OpenFlags.WriteOnly), ("/dev/null", OpenFlags.ReadWrite) })
        {
            yield return new Open(path, flags);
            if (p.Failed)
            {
                lines.Add($"{path} open {p.Result.Error}");
                continue;
            }
            var fd = p.Result.Fd;
            if (flags.CanRead())
            {
                yield return new Read(fd, 16);
                lines.Add($"{path} read {Said(p, Convert.ToHexStringLower(p.Result.Data))}");
            }
            if (flags.CanWrite())
            {
                yield return new Write(fd, "hello"u8.ToArray());
                lines.Add($"{path} write {Said(p, p.Result.Value.ToString(CultureInfo.InvariantCulture))}");
            }
            yield return new Seek(fd, 100);
            lines.Add($"{path} seek {Said(p, p.Result.Value.ToString(CultureInfo.InvariantCulture))}");
            yield return new Fstat(fd);
            lines.Add($"{path} fstat {Said(p, $"{p.Result.Stat?.Type} {p.Result.Stat?.Device}")}");
            yield return new Close(fd);
        }
        yield return new GetNode();
        lines.Add($"node {p.Result.Int}");
        yield return Io.Out(string.Join('\n', lines) + "\n");
    }

    private static string Said(ProcessContext p, string value) => p.Failed ? p.Result.Error!.Value.ToString() : value;
}

/// <summary>
/// t-devtty NODE: writes a line to /dev/tty (the session's controlling terminal); a child on NODE then leaves the
/// session with setsid, and its open of /dev/tty fails (ENXIO).
/// </summary>
public sealed class DevTty : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Open("/dev/tty", Ssi.Cfs.Files.OpenFlags.WriteOnly);
        if (p.Failed)
        {
            yield return Io.Out($"open: {p.Result.Error}\n");
            yield return new Exit(1);
        }
        yield return new Write(p.Result.Fd, Encoding.UTF8.GetBytes("through /dev/tty\n"));
        yield return new Fork(new NodeNumber(int.Parse(p.Args[1])));
        if (p.Result.Value == 0)
        {
            yield return new SetSid();
            yield return new Open("/dev/tty", Ssi.Cfs.Files.OpenFlags.ReadOnly);
            yield return Io.Out($"after setsid: {(p.Failed ? p.Result.Error.ToString() : "opened")}\n");
            yield return new Exit(0);
        }
        yield return new Wait();
    }
}
