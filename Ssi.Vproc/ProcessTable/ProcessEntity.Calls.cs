// The system calls on files and on the process itself: answered here, or passed to the cluster file system.
using Akka.Actor;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>
    /// Runs one system call: the result if it is known at once, or null with <see cref="_call"/> set when a reply
    /// must come first (or when the call ended the program, as exit and a successful exec do).
    /// </summary>
    private SysResult? Dispatch(SystemCall call)
    {
        if (TryDispatchProc(call, out var proc)) return proc;
        var who = _state.Credentials;
        switch (call)
        {
            case Open c:
                AskFs(c, new FsOpen(who, _state.Resolve(c.Path), c.Flags, c.Mode & ~_state.Umask), (FsOpened o) =>
                {
                    var added = _state.Fds.Add(new CfsHandle(o.OpenFile));
                    if (!added.IsOk)
                    {
                        _node.Fs.Tell(new FsClose(who, o.OpenFile), ActorRefs.NoSender);
                        return SysResult.Fail(added.Error!.Value);
                    }
                    _state = _state with { Fds = added.Value.Table };
                    return SysResult.Ok(added.Value.Fd);
                });
                return null;
            case Read c:
                switch (_state.Fds[c.Fd]?.Handle)
                {
                    case CfsHandle h:
                        AskFs(c, new FsReadOpen(who, h.OpenFile, Math.Clamp(c.Count, 0, 1 << 20)), (FsData r) => SysResult.Ok(r.Data.Length) with { Data = r.Data });
                        return null;
                    case TerminalHandle t:
                        var id = ++_callIds;
                        t.Terminal.Tell(new TerminalRead(id, Math.Clamp(c.Count, 0, 1 << 20), _pid), Self);
                        WaitForTerminal(id, c, t, c.Timeout);
                        return null;
                    default: return SysResult.Fail(Errno.EBADF);
                }
            case Write c:
                switch (_state.Fds[c.Fd]?.Handle)
                {
                    case CfsHandle h:
                        AskFs(c, new FsWriteOpen(who, h.OpenFile, c.Data), (FsWritten w) => SysResult.Ok(w.Count));
                        return null;
                    case TerminalHandle t:
                        Await(c, t.Terminal.Ask<object>(new TerminalWrite(t.Channel, c.Data), _node.Settings.CallTimeout),
                            o => o is TerminalWritten w ? SysResult.Ok(w.Count) : SysResult.Fail(Errno.EIO));
                        return null;
                    default: return SysResult.Fail(Errno.EBADF);
                }
            case Close c:
                if (_state.Fds[c.Fd] is not { } closing) return SysResult.Fail(Errno.EBADF);
                _state = _state with { Fds = _state.Fds.Remove(c.Fd) };
                if (closing.Handle is CfsHandle closed)
                {
                    AskFs(c, new FsClose(who, closed.OpenFile), (FsReferences _) => SysResult.Ok(0));
                    return null;
                }
                return SysResult.Ok(0);
            case Dup c: return Duplicate(c, c.Fd, null);
            case Dup2 c: return Duplicate(c, c.Fd, c.NewFd);
            case SetCloseOnExec c:
                if (_state.Fds[c.Fd] is not { } d) return SysResult.Fail(Errno.EBADF);
                _state = _state with { Fds = _state.Fds.Set(c.Fd, d with { CloseOnExec = c.CloseOnExec }) };
                return SysResult.Ok(0);
            case Seek c:
                switch (_state.Fds[c.Fd]?.Handle)
                {
                    case CfsHandle h:
                        AskFs(c, new FsSeek(who, h.OpenFile, c.Offset, c.Whence), (FsPosition p) => SysResult.Ok(p.Position));
                        return null;
                    case TerminalHandle: return SysResult.Fail(Errno.ESPIPE);
                    default: return SysResult.Fail(Errno.EBADF);
                }
            case Stat c:
                AskFs(c, new FsStat(who, _state.Resolve(c.Path), c.FollowLast), (FsAttributes a) => SysResult.Ok(0) with { Stat = a.Attributes });
                return null;
            case Fstat c:
                switch (_state.Fds[c.Fd]?.Handle)
                {
                    case CfsHandle h:
                        AskFs(c, new FsStatOpen(who, h.OpenFile), (FsAttributes a) => SysResult.Ok(0) with { Stat = a.Attributes });
                        return null;
                    case TerminalHandle:
                        var now = DateTimeOffset.UtcNow;
                        return SysResult.Ok(0) with { Stat = new InodeAttributes(new InodeNumber(0), InodeType.CharDevice, 0x190, who.Uid, who.Gid, 1, 0, now, now, now) };
                    default: return SysResult.Fail(Errno.EBADF);
                }
            case ReadDirectory c:
                AskFs(c, new FsReadDirectory(who, _state.Resolve(c.Path)), (FsEntries e) => SysResult.Ok(e.Entries.Length) with { Entries = e.Entries });
                return null;
            case Mkdir c:
                AskFs(c, new FsMkdir(who, _state.Resolve(c.Path), c.Mode & ~_state.Umask), (FsAttributes _) => SysResult.Ok(0));
                return null;
            case Unlink c:
                AskFs(c, new FsUnlink(who, _state.Resolve(c.Path)), (FsDone _) => SysResult.Ok(0));
                return null;
            case Rmdir c:
                AskFs(c, new FsRmdir(who, _state.Resolve(c.Path)), (FsDone _) => SysResult.Ok(0));
                return null;
            case Rename c:
                AskFs(c, new FsRename(who, _state.Resolve(c.From), _state.Resolve(c.To)), (FsDone _) => SysResult.Ok(0));
                return null;
            case Chdir c:
                var target = Paths.Combine(_state.Cwd, c.Path);
                AskFs(c, new FsStat(who, target), (FsAttributes a) =>
                {
                    if (!a.Attributes.IsDirectory) return SysResult.Fail(Errno.ENOTDIR);
                    if (Access.Check(a.Attributes, who, AccessMode.Execute) is { } denied) return SysResult.Fail(denied);
                    _state = _state with { Cwd = target.Length > 1 ? target.TrimEnd('/') : target };
                    return SysResult.Ok(0);
                });
                return null;
            case GetCwd: return SysResult.Ok(0) with { Text = _state.Cwd };
            case SetTerminalMode c:
                if (_state.Fds[c.Fd]?.Handle is not TerminalHandle terminal) return SysResult.Fail(_state.Fds[c.Fd] is null ? Errno.EBADF : Errno.ENOTTY);
                terminal.Terminal.Tell(new TerminalSetMode(c.Canonical), Self);
                return SysResult.Ok(0);
            case ListNodes:
                var cluster = Akka.Cluster.Cluster.Get(Context.System);
                var up = cluster.State.Members
                    .Where(m => m.Status == Akka.Cluster.MemberStatus.Up && !cluster.State.Unreachable.Contains(m))
                    .Select(m => Ssi.Actors.Identity.NodeNumber.TryFromRoles(m.Roles, out var n) ? n.Value : 0)
                    .Where(n => n > 0).Order();
                return SysResult.Ok(0) with { Text = string.Join(' ', up) };
            case Umask c:
                var previous = _state.Umask;
                _state = _state with { Umask = c.Mask & 0x1FF };
                return SysResult.Ok(previous);
            case GetPid: return SysResult.Ok(_pid);
            case GetPpid: return SysResult.Ok(_state.Parent.Value);
            case GetNode: return SysResult.Ok(_node.Node);
            case GetTime: return SysResult.Ok((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10);
            case Programs.Migrate c: return MigrateSelf(c.Node, null);
            case Rexec c: return c.Node == _node.Node ? Dispatch(new Exec(c.Path, c.Args)) : MigrateSelf(c.Node, new Exec(c.Path, c.Args));
            default: return DispatchProcessCall(call);
        }
    }

    /// <summary>A call to the node's file-system service; a Failed reply becomes the errno.</summary>
    private void AskFs<T>(SystemCall call, IFileSystemRequest request, Func<T, SysResult?> then)
    {
        Await(call, _node.Fs.Ask<object>(request, _node.Settings.CallTimeout), o =>
        {
            switch (o)
            {
                // Failed first: it is an ISsiMessage too, and a call that takes any reply must still fail.
                case Failed failed:
                    if (failed.Errno == Errno.EIO) _log.Warning("process {0}: {1} failed: {2}", _pid, request.GetType().Name, failed.Detail);
                    return SysResult.Fail(failed.Errno);
                case T reply: return then(reply);
                default:
                    _log.Warning("process {0}: {1} got an unexpected {2}", _pid, request.GetType().Name, o.GetType().Name);
                    return SysResult.Fail(Errno.EIO);
            }
        });
    }

    /// <summary>dup and dup2: one more descriptor for the same description (its reference count goes up first).</summary>
    private SysResult? Duplicate(SystemCall call, int fd, int? target)
    {
        if (_state.Fds[fd] is not { } existing) return SysResult.Fail(Errno.EBADF);
        if (target is { } t && (t < 0 || t >= FdTable.Limit)) return SysResult.Fail(Errno.EBADF);
        if (target == fd) return SysResult.Ok(fd);
        var newFd = target ?? _state.Fds.LowestFree();
        if (newFd >= FdTable.Limit) return SysResult.Fail(Errno.EMFILE);
        SysResult? Install()
        {
            // dup2 closes what the target held first (quietly, as Linux does).
            if (_state.Fds[newFd] is { Handle: CfsHandle old }) _node.Fs.Tell(new FsClose(_state.Credentials, old.OpenFile), ActorRefs.NoSender);
            _state = _state with { Fds = _state.Fds.Set(newFd, existing with { CloseOnExec = false }) };
            return SysResult.Ok(newFd);
        }
        if (existing.Handle is CfsHandle h)
        {
            AskFs(call, new FsRetainOpen(_state.Credentials, h.OpenFile), (FsReferences _) => Install());
            return null;
        }
        return Install();
    }
}
