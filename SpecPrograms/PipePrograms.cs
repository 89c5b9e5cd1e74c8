// Programs the pipe and FIFO specs run: data through pipes, broken pipes, PIPE_BUF records, interrupted reads, FIFO opens.
using System.Globalization;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Files;
using Ssi.Vproc.Programs;

namespace SpecPrograms;

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

/// <summary>
/// t-pipeinterrupt [restart]: a read of an empty pipe (its write end held open) that a handled SIGUSR1 interrupts.
/// With "restart" the handler is set with SA_RESTART and writes into the pipe, so the read, made again, gets that.
/// </summary>
public sealed class PipeInterrupt : Program
{
    private Fd _writer;

    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new SigAction(Signal.SIGUSR1, Disposition.Handle, Restart: p.Args.Length > 1 && p.Args[1] == "restart");
        yield return new Pipe();
        var (reader, writer) = p.Result.PipeEnds;
        _writer = writer;
        yield return Io.Out("ready\n");
        yield return new Read(reader, 100);
        yield return Io.Out($"read ended: {(p.Failed ? p.Result.Error.ToString() : Encoding.UTF8.GetString(p.Result.Data))}\n");
    }

    public override IEnumerable<SystemCall> OnSignal(ProcessContext p, int signal)
    {
        yield return Io.Out("handled\n");
        yield return new Write(_writer, Encoding.UTF8.GetBytes("written by the handler"));
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
/// t-pipenonblock NODE: pipe2(O_NONBLOCK), then, from NODE (the pipe stays here), the reads and writes that would wait
/// get EAGAIN, a write over PIPE_BUF goes in part, and what went in comes out whole.
/// </summary>
public sealed class PipeNonBlock : Program
{
    public override IEnumerable<SystemCall> Main(ProcessContext p)
    {
        yield return new Pipe(NonBlocking: true);
        var (reader, writer) = p.Result.PipeEnds;
        yield return new Read(reader, 10);
        yield return Io.Out($"read: {Described(p)}\n");
        yield return new Migrate(new NodeNumber(int.Parse(p.Args[1], CultureInfo.InvariantCulture)));
        yield return new Write(writer, new byte[65536]);
        yield return Io.Out($"write: {Described(p)}\n");
        yield return new Write(writer, new byte[1]);
        yield return Io.Out($"write: {Described(p)}\n");
        yield return new Read(reader, 4096);
        yield return Io.Out($"read: {Described(p)}\n");
        yield return new Write(writer, new byte[5000]);
        yield return Io.Out($"write: {Described(p)}\n");
        yield return new Close(writer);
        var total = 0L;
        while (true)
        {
            yield return new Read(reader, 65536);
            if (p.Failed || p.Result.Value == 0) break;
            total += p.Result.Value;
        }
        yield return Io.Out($"drained {total}, then {Described(p)}\n");
    }

    private static string Described(ProcessContext p) => p.Failed ? p.Result.Error.ToString()! : p.Result.Value.ToString(CultureInfo.InvariantCulture);
}
