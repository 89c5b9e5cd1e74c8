// The continuations of the file calls: what each file-system reply means to the program and to its descriptor table.
using Ssi.Cfs.Files;
using Ssi.Vproc.Fifos;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Pipes;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>
/// open: the description gets the lowest free descriptor; with the table full it is closed again (EMFILE). A FIFO has
/// no description: the open goes on at the FIFO's pipe, found by its inode.
/// </summary>
public sealed record OnOpened(OpenFlags Flags = OpenFlags.ReadOnly) : Then
{
    protected override CallDecision On(ProcessState state, object reply, CallWorld world) => reply switch
    {
        FsOpened opened => Opened(state, opened, Flags),
        FsFifo fifo => CallDecision.Wait(state, new AskFor(Destination.Fifos, new FifoPipeOf(fifo.Attributes.Ino), new OnFifoFound(Flags))),
        FsControllingTerminal => OpenControllingTerminal(state, world),
        FsConsole => CallDecision.Wait(state, new AskFor(Destination.ProcessService, new ConsoleOf(null), new OnConsoleFound())),
        _ => Unexpected(state),
    };

    /// <summary>/dev/tty: the controlling terminal at the lowest free descriptor, or ENXIO for a process without one or whose terminal's node is gone.</summary>
    private static CallDecision OpenControllingTerminal(ProcessState state, CallWorld world)
    {
        if (state.ControllingTerminal is not { } terminal || world.DeviceGone?.Invoke(terminal) == true) return CallDecision.Fail(state, Errno.ENXIO);
        var added = state.Fds.Add(new TerminalHandle(terminal, 1));
        return added.IsOk ? CallDecision.Done(state with { Fds = added.Value.Table }, SysResult.Ok(added.Value.Fd.Value)) : CallDecision.Fail(state, added.Error!.Value);
    }

    private static CallDecision Opened(ProcessState state, FsOpened opened, OpenFlags flags)
    {
        var a = opened.Attributes;
        var memory = a.Type == InodeType.CharDevice && MemoryDevices.Find(a.Device) is not null
            ? new MemoryDeviceAccess(a.Device, flags.CanRead(), flags.CanWrite()) : null;
        var added = state.Fds.Add(new CfsHandle(opened.OpenFile, memory));
        if (!added.IsOk)
            return CallDecision.Done(state, SysResult.Fail(added.Error!.Value), new Send(Destination.FileSystem, new FsClose(state.Credentials, opened.OpenFile)));
        return CallDecision.Done(state with { Fds = added.Value.Table }, SysResult.Ok(added.Value.Fd.Value));
    }
}

public sealed record OnData : Then<FsData>
{
    protected override CallDecision On(ProcessState state, FsData data, CallWorld world) =>
        CallDecision.Done(state, SysResult.Ok(data.Data.Length) with { Data = data.Data });
}

public sealed record OnWritten : Then<FsWritten>
{
    protected override CallDecision On(ProcessState state, FsWritten written, CallWorld world) => CallDecision.Done(state, SysResult.Ok(written.Count));
}

/// <summary>
/// A terminal's answer to a write: the count written, or (TOSTOP, from a background group) that the writer must stop
/// with SIGTTOU and write again once continued.
/// </summary>
public sealed record OnTerminalWritten(Write? Call = null) : Then
{
    protected override CallDecision On(ProcessState state, object reply, CallWorld world) => reply switch
    {
        TerminalWritten written => CallDecision.Done(state, SysResult.Ok(written.Count)),
        TerminalBackground when Call is not null => TerminalCalls.StopForTerminal(state, Call, Ssi.Actors.Signals.Signal.SIGTTOU),
        _ => Unexpected(state),
    };
}

/// <summary>close, and the reference dup and fork add: the description's count of references.</summary>
public sealed record OnReferences : Then<FsReferences>
{
    protected override CallDecision On(ProcessState state, FsReferences references, CallWorld world) => CallDecision.Done(state, SysResult.Ok(0));
}

public sealed record OnPosition : Then<FsPosition>
{
    protected override CallDecision On(ProcessState state, FsPosition position, CallWorld world) => CallDecision.Done(state, SysResult.Ok(position.Position));
}

/// <summary>stat and fstat.</summary>
public sealed record OnAttributes : Then<FsAttributes>
{
    protected override CallDecision On(ProcessState state, FsAttributes attributes, CallWorld world) =>
        CallDecision.Done(state, SysResult.Ok(0) with { Stat = attributes.Attributes });
}

public sealed record OnEntries : Then<FsEntries>
{
    protected override CallDecision On(ProcessState state, FsEntries entries, CallWorld world) =>
        CallDecision.Done(state, SysResult.Ok(entries.Entries.Length) with { Entries = entries.Entries });
}

/// <summary>mkdir, mknod, chmod and utimensat: done, once the inode has its new attributes.</summary>
public sealed record OnCreated : Then<FsAttributes>
{
    protected override CallDecision On(ProcessState state, FsAttributes created, CallWorld world) => CallDecision.Done(state, SysResult.Ok(0));
}

/// <summary>statfs: the store's usage.</summary>
public sealed record OnUsage : Then<FsUsage>
{
    protected override CallDecision On(ProcessState state, FsUsage usage, CallWorld world) => CallDecision.Done(state, SysResult.Ok(0) with { Usage = usage.Usage });
}

/// <summary>readlink: the link's target.</summary>
public sealed record OnText : Then<FsText>
{
    protected override CallDecision On(ProcessState state, FsText text, CallWorld world) => CallDecision.Done(state, SysResult.Ok(text.Text.Length) with { Text = text.Text });
}

/// <summary>unlink, rmdir and rename.</summary>
public sealed record OnDone : Then<FsDone>
{
    protected override CallDecision On(ProcessState state, FsDone done, CallWorld world) => CallDecision.Done(state, SysResult.Ok(0));
}

/// <summary>chdir: the target must be a directory the caller may search.</summary>
public sealed record OnChdir(string Target) : Then<FsAttributes>
{
    protected override CallDecision On(ProcessState state, FsAttributes found, CallWorld world)
    {
        if (!found.Attributes.IsDirectory) return CallDecision.Fail(state, Errno.ENOTDIR);
        if (Access.Check(found.Attributes, state.Credentials, AccessMode.Execute) is { } denied) return CallDecision.Fail(state, denied);
        return CallDecision.Done(state with { Cwd = Target.Length > 1 ? Target.TrimEnd('/') : Target }, SysResult.Ok(0));
    }
}

/// <summary>dup and dup2, once the description has its new reference: the descriptor is installed (dup2 closes what it held).</summary>
public sealed record OnDuplicated(Fd NewFd, Descriptor Existing) : Then<FsReferences>
{
    protected override CallDecision On(ProcessState state, FsReferences references, CallWorld world) => FileCalls.Install(state, NewFd, Existing);
}

/// <summary>dup and dup2 of a pipe's end, once the pipe counts the new reference.</summary>
public sealed record OnPipeDuplicated(Fd NewFd, Descriptor Existing) : Then<PipeRetained>
{
    protected override CallDecision On(ProcessState state, PipeRetained retained, CallWorld world) => FileCalls.Install(state, NewFd, Existing);
}

/// <summary>pipe: the read end and the write end get the two lowest free descriptors (a full table gives the pipe back).</summary>
public sealed record OnPipeMade(bool NonBlocking = false) : Then<PipeMade>
{
    protected override CallDecision On(ProcessState state, PipeMade made, CallWorld world)
    {
        var reader = new PipeHandle(made.Pipe, PipeEnd.Read, NonBlocking);
        var writer = new PipeHandle(made.Pipe, PipeEnd.Write, NonBlocking);
        if (state.Fds.Add(reader) is not { IsOk: true } first || first.Value.Table.Add(writer) is not { IsOk: true } second)
            return CallDecision.Done(state, SysResult.Fail(Errno.EMFILE), new SendToDevice(made.Pipe, new PipeRelease(PipeEnd.Read, state.Pid)), new SendToDevice(made.Pipe, new PipeRelease(PipeEnd.Write, state.Pid)));
        return CallDecision.Done(state with { Fds = second.Value.Table }, SysResult.Ok(first.Value.Fd.Value) with { PipeEnds = (first.Value.Fd, second.Value.Fd) });
    }
}

/// <summary>open of a FIFO, once its pipe is found: the end is opened there (and waits for the other end, unless O_NONBLOCK).</summary>
public sealed record OnFifoFound(OpenFlags Flags) : Then<FifoPipe>
{
    protected override CallDecision On(ProcessState state, FifoPipe found, CallWorld world) =>
        CallDecision.Wait(state, new OpenPipeEnd(new PipeHandle(found.Pipe, Flags.CanWrite() ? PipeEnd.Write : PipeEnd.Read, (Flags & OpenFlags.NonBlocking) != 0), (Flags & OpenFlags.NonBlocking) != 0));
}

/// <summary>open of a FIFO's end, once the pipe counts it: the lowest free descriptor (with the table full the end is given back).</summary>
public sealed record OnPipeOpened(PipeHandle End) : Then<PipeOpened>
{
    protected override CallDecision On(ProcessState state, PipeOpened opened, CallWorld world)
    {
        var added = state.Fds.Add(End);
        if (!added.IsOk) return CallDecision.Done(state, SysResult.Fail(added.Error!.Value), new SendToDevice(End.Pipe, new PipeRelease(End.End, state.Pid)));
        return CallDecision.Done(state with { Fds = added.Value.Table }, SysResult.Ok(added.Value.Fd.Value));
    }
}
