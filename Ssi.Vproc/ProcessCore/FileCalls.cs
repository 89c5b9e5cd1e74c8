// The file system calls as decisions: answered from the descriptor table, or a request to the file system and how to read its reply.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Pipes;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

public static class FileCalls
{
    /// <summary>The largest read a call may ask for at once.</summary>
    public const int MaxRead = 1 << 20;

    /// <summary>The decision for a file call, or null if <paramref name="call"/> is not one.</summary>
    public static CallDecision? Decide(ProcessState state, SystemCall call, CallWorld world)
    {
        var who = state.Credentials;
        switch (call)
        {
            case Open c: return Ask(state, new FsOpen(who, state.Resolve(c.Path), c.Flags, c.Mode & ~state.Umask), new OnOpened(c.Flags));
            case Read c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle { Memory: { } device } => ReadMemory(state, device, c.Count),
                    CfsHandle h => Ask(state, new FsReadOpen(who, h.OpenFile, Math.Clamp(c.Count, 0, MaxRead)), new OnData()),
                    DeviceHandle gone when world.IsGone(gone) => Lost(state, c, gone),
                    TerminalHandle t => CallDecision.Wait(state, new ReadDevice(t, c)),
                    PipeHandle { End: PipeEnd.Read } p => CallDecision.Wait(state, new ReadDevice(p, c)),
                    _ => CallDecision.Fail(state, Errno.EBADF),
                };
            case Write c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle { Memory: { } device } => WriteMemory(state, device, c.Data.Length),
                    CfsHandle h => Ask(state, new FsWriteOpen(who, h.OpenFile, c.Data), new OnWritten()),
                    DeviceHandle gone when world.IsGone(gone) => Lost(state, c, gone),
                    TerminalHandle t => CallDecision.Wait(state, new AskDevice(t.Terminal,
                        new TerminalWrite(t.Channel, c.Data, TerminalCalls.StoppableGroup(state, t, Ssi.Actors.Signals.Signal.SIGTTOU)), new OnTerminalWritten(c))),
                    PipeHandle { End: PipeEnd.Write } p => CallDecision.Wait(state, new WritePipe(p, c)),
                    _ => CallDecision.Fail(state, Errno.EBADF),
                };
            case Close c:
                if (state.Fds[c.Fd] is not { } closing) return CallDecision.Fail(state, Errno.EBADF);
                var closed = state with { Fds = state.Fds.Remove(c.Fd) };
                return closing.Handle is CfsHandle description
                    ? Ask(closed, new FsClose(who, description.OpenFile), new OnReferences())
                    : CallDecision.Done(closed, SysResult.Ok(0), [.. Release(state, closing)]);
            case Pipe c:
                if (state.Fds.LowestFree().Value + 1 >= FdTable.Limit) return CallDecision.Fail(state, Errno.EMFILE);
                return CallDecision.Wait(state, new AskFor(Destination.ProcessService, new MakePipe(state.Pid), new OnPipeMade(c.NonBlocking)));
            case Dup c: return Duplicate(state, c.Fd, null);
            case Dup2 c: return Duplicate(state, c.Fd, c.NewFd);
            case SetCloseOnExec c:
                if (state.Fds[c.Fd] is not { } d) return CallDecision.Fail(state, Errno.EBADF);
                return CallDecision.Done(state with { Fds = state.Fds.Set(c.Fd, d with { CloseOnExec = c.CloseOnExec }) }, SysResult.Ok(0));
            case Seek c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle { Memory: not null } => CallDecision.Done(state, SysResult.Ok(0)),
                    CfsHandle h => Ask(state, new FsSeek(who, h.OpenFile, c.Offset, c.Whence), new OnPosition()),
                    DeviceHandle => CallDecision.Fail(state, Errno.ESPIPE),
                    _ => CallDecision.Fail(state, Errno.EBADF),
                };
            case Stat c: return Ask(state, new FsStat(who, state.Resolve(c.Path), c.FollowLast), new OnAttributes());
            case Fstat c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle h => Ask(state, new FsStatOpen(who, h.OpenFile), new OnAttributes()),
                    // A terminal is a character device owned by its user (crw--w----); a pipe, or a host pipe or file, is a pipe here (prw-------).
                    DeviceHandle device => CallDecision.Done(state, SysResult.Ok(0) with
                    {
                        Stat = new InodeAttributes(new InodeNumber(0), device.ReadsAsPipe ? InodeType.Fifo : InodeType.CharDevice, device.ReadsAsPipe ? 0x180 : 0x190,
                            who.Uid, who.Gid, 1, 0, world.Now, world.Now, world.Now),
                    }),
                    _ => CallDecision.Fail(state, Errno.EBADF),
                };
            case ReadDirectory c: return Ask(state, new FsReadDirectory(who, state.Resolve(c.Path)), new OnEntries());
            case Mkdir c: return Ask(state, new FsMkdir(who, state.Resolve(c.Path), c.Mode & ~state.Umask), new OnCreated());
            case Mknod c: return Ask(state, new FsMknod(who, state.Resolve(c.Path), c.Type, c.Mode & ~state.Umask, c.Device), new OnCreated());
            case Unlink c: return Ask(state, new FsUnlink(who, state.Resolve(c.Path)), new OnDone());
            case Rmdir c: return Ask(state, new FsRmdir(who, state.Resolve(c.Path)), new OnDone());
            case Rename c: return Ask(state, new FsRename(who, state.Resolve(c.From), state.Resolve(c.To)), new OnDone());
            case Symlink c: return Ask(state, new FsSymlink(who, c.Target, state.Resolve(c.Path)), new OnCreated());
            case Link c: return Ask(state, new FsLink(who, state.Resolve(c.Existing), state.Resolve(c.Path)), new OnCreated());
            case ReadLink c: return Ask(state, new FsReadLink(who, state.Resolve(c.Path)), new OnText());
            case Chmod c: return Ask(state, new FsChmod(who, state.Resolve(c.Path), c.Mode & 0xFFF), new OnCreated());
            case SetTimes c: return Ask(state, new FsSetTimes(who, state.Resolve(c.Path), c.Atime, c.Mtime, c.FollowLast), new OnCreated());
            case Sync c: return Ask(state, new FsSync(who, c.Path is null ? null : state.Resolve(c.Path)), new OnDone());
            case StatFs c: return Ask(state, new FsStatFs(who, state.Resolve(c.Path)), new OnUsage());
            case Chdir c:
                var target = Paths.Combine(state.Cwd, c.Path);
                return Ask(state, new FsStat(who, target), new OnChdir(target));
            case GetCwd: return CallDecision.Done(state, SysResult.Ok(0) with { Text = state.Cwd });
            case SetTerminalMode c:
                if (state.Fds[c.Fd]?.Handle is not TerminalHandle { IsTerminal: true } terminal)
                    return CallDecision.Fail(state, state.Fds[c.Fd] is null ? Errno.EBADF : Errno.ENOTTY);
                return CallDecision.Done(state, SysResult.Ok(0), new SendToDevice(terminal.Terminal, new TerminalSetMode(c.Canonical)));
            case Umask c: return CallDecision.Done(state with { Umask = c.Mask & 0x1FF }, SysResult.Ok(state.Umask));
            default: return null;
        }
    }

    /// <summary>
    /// What a call on a device gives once the device's node is gone: a pipe's reader sees end of file, its writer a
    /// broken pipe (EPIPE, with SIGPIPE), a FIFO's open ENXIO; a terminal EIO, as a hung-up tty does.
    /// </summary>
    public static SysResult DeviceLostResult(SystemCall call, DeviceHandle device) => (call, device) switch
    {
        (Read, PipeHandle) => SysResult.Ok(0),
        (Write, PipeHandle) => SysResult.Fail(Errno.EPIPE),
        (Open, _) => SysResult.Fail(Errno.ENXIO),
        _ => SysResult.Fail(Errno.EIO),
    };

    /// <summary>A call on a device whose node is gone ends at once, as <see cref="DeviceLostResult"/> says.</summary>
    private static CallDecision Lost(ProcessState state, SystemCall call, DeviceHandle device)
    {
        var result = DeviceLostResult(call, device);
        return result.Error == Errno.EPIPE
            ? CallDecision.Done(state with { Signals = state.Signals.Post(Ssi.Actors.Signals.Signal.SIGPIPE) }, result)
            : CallDecision.Done(state, result);
    }

    /// <summary>A read of a memory device, served where the process runs (the driver keeps no state).</summary>
    private static CallDecision ReadMemory(ProcessState state, MemoryDeviceAccess device, int count)
    {
        if (!device.CanRead) return CallDecision.Fail(state, Errno.EBADF);
        var read = MemoryDevices.Read(device.Device, Math.Clamp(count, 0, MaxRead));
        return read.IsOk ? CallDecision.Done(state, SysResult.Ok(read.Value.Length) with { Data = read.Value }) : CallDecision.Fail(state, read.Error!.Value);
    }

    private static CallDecision WriteMemory(ProcessState state, MemoryDeviceAccess device, int count)
    {
        if (!device.CanWrite) return CallDecision.Fail(state, Errno.EBADF);
        var written = MemoryDevices.Write(device.Device, count);
        return written.IsOk ? CallDecision.Done(state, SysResult.Ok(written.Value)) : CallDecision.Fail(state, written.Error!.Value);
    }

    private static CallDecision Ask(ProcessState state, IFileSystemRequest request, Then then) =>
        CallDecision.Wait(state, new AskFor(Destination.FileSystem, request, then));

    /// <summary>dup and dup2: one more descriptor for the same description (its reference count goes up first).</summary>
    private static CallDecision Duplicate(ProcessState state, Fd fd, Fd? target)
    {
        if (state.Fds[fd] is not { } existing) return CallDecision.Fail(state, Errno.EBADF);
        if (target is { } t && (t.Value < 0 || t.Value >= FdTable.Limit)) return CallDecision.Fail(state, Errno.EBADF);
        if (target == fd) return CallDecision.Done(state, SysResult.Ok(fd.Value));
        var newFd = target ?? state.Fds.LowestFree();
        if (newFd.Value >= FdTable.Limit) return CallDecision.Fail(state, Errno.EMFILE);
        return existing.Handle switch
        {
            CfsHandle h => Ask(state, new FsRetainOpen(state.Credentials, h.OpenFile), new OnDuplicated(newFd, existing)),
            PipeHandle p => CallDecision.Wait(state, new AskDevice(p.Pipe, new PipeRetain(p.End, state.Pid), new OnPipeDuplicated(newFd, existing))),
            _ => Install(state, newFd, existing),
        };
    }

    /// <summary>Puts a copy of <paramref name="existing"/> at <paramref name="newFd"/>; what it held is closed quietly, as Linux does.</summary>
    internal static CallDecision Install(ProcessState state, Fd newFd, Descriptor existing)
    {
        var next = state with { Fds = state.Fds.Set(newFd, existing with { CloseOnExec = false }) };
        return CallDecision.Done(next, SysResult.Ok(newFd.Value), [.. state.Fds[newFd] is { } old ? Release(state, old) : []]);
    }

    /// <summary>What releasing a descriptor sends: a close of its file description, or one reference less to a pipe's end.</summary>
    public static IEnumerable<Effect> Release(ProcessState state, Descriptor descriptor) => descriptor.Handle switch
    {
        CfsHandle h => [new Send(Destination.FileSystem, new FsClose(state.Credentials, h.OpenFile))],
        PipeHandle p => [new SendToDevice(p.Pipe, new PipeRelease(p.End, state.Pid))],
        _ => [],
    };
}
