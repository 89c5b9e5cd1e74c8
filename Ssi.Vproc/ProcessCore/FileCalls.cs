// The file system calls as decisions: answered from the descriptor table, or a request to the file system and how to read its reply.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
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
            case Open c: return Ask(state, new FsOpen(who, state.Resolve(c.Path), c.Flags, c.Mode & ~state.Umask), new OnOpened());
            case Read c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle h => Ask(state, new FsReadOpen(who, h.OpenFile, Math.Clamp(c.Count, 0, MaxRead)), new OnData()),
                    TerminalHandle t => CallDecision.Wait(state, new ReadTerminal(t, c)),
                    _ => CallDecision.Fail(state, Errno.EBADF),
                };
            case Write c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle h => Ask(state, new FsWriteOpen(who, h.OpenFile, c.Data), new OnWritten()),
                    TerminalHandle t => CallDecision.Wait(state, new AskDevice(t.Terminal, new TerminalWrite(t.Channel, c.Data), new OnTerminalWritten())),
                    _ => CallDecision.Fail(state, Errno.EBADF),
                };
            case Close c:
                if (state.Fds[c.Fd] is not { } closing) return CallDecision.Fail(state, Errno.EBADF);
                var closed = state with { Fds = state.Fds.Remove(c.Fd) };
                return closing.Handle is CfsHandle description
                    ? Ask(closed, new FsClose(who, description.OpenFile), new OnReferences())
                    : CallDecision.Done(closed, SysResult.Ok(0));
            case Dup c: return Duplicate(state, c.Fd, null);
            case Dup2 c: return Duplicate(state, c.Fd, c.NewFd);
            case SetCloseOnExec c:
                if (state.Fds[c.Fd] is not { } d) return CallDecision.Fail(state, Errno.EBADF);
                return CallDecision.Done(state with { Fds = state.Fds.Set(c.Fd, d with { CloseOnExec = c.CloseOnExec }) }, SysResult.Ok(0));
            case Seek c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle h => Ask(state, new FsSeek(who, h.OpenFile, c.Offset, c.Whence), new OnPosition()),
                    TerminalHandle => CallDecision.Fail(state, Errno.ESPIPE),
                    _ => CallDecision.Fail(state, Errno.EBADF),
                };
            case Stat c: return Ask(state, new FsStat(who, state.Resolve(c.Path), c.FollowLast), new OnAttributes());
            case Fstat c:
                return state.Fds[c.Fd]?.Handle switch
                {
                    CfsHandle h => Ask(state, new FsStatOpen(who, h.OpenFile), new OnAttributes()),
                    // A terminal is a character device owned by its user (crw--w----); a host pipe or file is a pipe here (prw-------).
                    TerminalHandle t => CallDecision.Done(state, SysResult.Ok(0) with
                    {
                        Stat = new InodeAttributes(new InodeNumber(0), t.IsTerminal ? InodeType.CharDevice : InodeType.Fifo, t.IsTerminal ? 0x190 : 0x180,
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
        return existing.Handle is CfsHandle h
            ? Ask(state, new FsRetainOpen(state.Credentials, h.OpenFile), new OnDuplicated(newFd, existing))
            : Install(state, newFd, existing);
    }

    /// <summary>Puts a copy of <paramref name="existing"/> at <paramref name="newFd"/>; what it held is closed quietly, as Linux does.</summary>
    internal static CallDecision Install(ProcessState state, Fd newFd, Descriptor existing)
    {
        var next = state with { Fds = state.Fds.Set(newFd, existing with { CloseOnExec = false }) };
        return state.Fds[newFd] is { Handle: CfsHandle old }
            ? CallDecision.Done(next, SysResult.Ok(newFd.Value), new Send(Destination.FileSystem, new FsClose(state.Credentials, old.OpenFile)))
            : CallDecision.Done(next, SysResult.Ok(newFd.Value));
    }

    /// <summary>What releasing a descriptor sends: a close of its description, if it has one in the file system.</summary>
    public static IEnumerable<Effect> Release(ProcessState state, Descriptor descriptor) =>
        descriptor.Handle is CfsHandle h ? [new Send(Destination.FileSystem, new FsClose(state.Credentials, h.OpenFile))] : [];
}
