// A process's file descriptor table: small numbers naming open file descriptions, which live elsewhere and are shared.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Pipes;

namespace Ssi.Vproc.ProcessTable;

/// <summary>What a descriptor refers to. Descriptions are shared by dup and fork; the table holds only their names.</summary>
public abstract record FileHandle;

/// <summary>An open file description of the cluster file system (its entity keeps offset, flags and references).</summary>
/// <param name="Memory">
/// Set for a memory device (/dev/null, zero, full, random, urandom): its reads and writes need no state, so the
/// process's own node serves them; the description still counts references, and answers fstat and close.
/// </param>
public sealed record CfsHandle(long OpenFile, MemoryDeviceAccess? Memory = null) : FileHandle;

/// <summary>A memory device open for reading and/or writing, as its description's access mode says.</summary>
public sealed record MemoryDeviceAccess(Ssi.Cfs.Devices.DeviceNumber Device, bool CanRead, bool CanWrite);

/// <summary>
/// A terminal device on its node; <see cref="Channel"/> 1 is its output, 2 its error output. The device carries the
/// client's stdin, stdout and stderr; <see cref="IsTerminal"/> is false for a stream that is a pipe or file on the
/// client's host, which then behaves as a pipe here: fstat says FIFO (so isatty is false), it has no terminal modes
/// (ENOTTY), and reads take what input there is without waiting for a line.
/// </summary>
public sealed record TerminalHandle(IActorRef Terminal, int Channel, bool IsTerminal = true) : DeviceHandle(Terminal);

/// <summary>
/// An end of a pipe (<see cref="PipeActor"/>), which stays on the node where it was made and is reached from wherever
/// the process runs. Each descriptor of an end counts once at the pipe: dup and fork add one, close and exit take it.
/// </summary>
/// <param name="NonBlocking">O_NONBLOCK, set when the end was made (pipe2, open of a FIFO) and shared by its duplicates.</param>
public sealed record PipeHandle(IActorRef Pipe, PipeEnd End, bool NonBlocking = false) : DeviceHandle(Pipe);

/// <summary>
/// A descriptor whose calls wait at an actor that answers the process by PID, wherever it runs by then (a terminal, a
/// pipe): reads there are interruptible, and may be taken along when the process moves.
/// </summary>
public abstract record DeviceHandle(IActorRef Device) : FileHandle
{
    /// <summary>Reads take whatever data there is rather than a whole line (everything but a real terminal).</summary>
    public bool ReadsAsPipe => this is not TerminalHandle { IsTerminal: true };
}

public sealed record Descriptor(FileHandle Handle, bool CloseOnExec = false);

/// <summary>Owned by the process's entity; immutable, so fork copies it for free.</summary>
public sealed record FdTable(ImmutableSortedDictionary<Fd, Descriptor> Entries)
{
    /// <summary>RLIMIT_NOFILE.</summary>
    public const int Limit = 1024;

    public static readonly FdTable Empty = new(ImmutableSortedDictionary<Fd, Descriptor>.Empty);

    public Descriptor? this[Fd fd] => Entries.GetValueOrDefault(fd);

    public Fd LowestFree(Fd from = default)
    {
        var fd = from.Value;
        while (Entries.ContainsKey(new Fd(fd))) fd++;
        return new Fd(fd);
    }

    /// <summary>Installs a handle at the lowest free descriptor; EMFILE when the table is full.</summary>
    public Outcome<(FdTable Table, Fd Fd)> Add(FileHandle handle, bool closeOnExec = false)
    {
        var fd = LowestFree();
        if (fd.Value >= Limit) return Outcome<(FdTable, Fd)>.Fail(Errno.EMFILE, "too many open files");
        return (new FdTable(Entries.SetItem(fd, new Descriptor(handle, closeOnExec))), fd);
    }

    public FdTable Set(Fd fd, Descriptor descriptor) => new(Entries.SetItem(fd, descriptor));

    public FdTable Remove(Fd fd) => new(Entries.Remove(fd));

    /// <summary>The descriptors exec closes (close-on-exec), and the table after.</summary>
    public (FdTable Table, ImmutableArray<Descriptor> Closed) AfterExec()
    {
        var closed = Entries.Where(e => e.Value.CloseOnExec).ToImmutableArray();
        return (new FdTable(Entries.RemoveRange(closed.Select(e => e.Key))), [.. closed.Select(e => e.Value)]);
    }
}
