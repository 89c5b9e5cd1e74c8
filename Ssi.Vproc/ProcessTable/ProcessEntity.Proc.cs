// System calls on /proc: answered from the process entities, not the file system (see ProcFiles).
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Files;
using Ssi.Cfs.Service;
using Ssi.Cfs.Inodes;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcFs;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>
    /// If <paramref name="call"/> is about /proc (a path under it, or a descriptor open on it), handles it: true, with
    /// the result or null if a reply must come first. False for every other call.
    /// </summary>
    private bool TryDispatchProc(SystemCall call, out SysResult? result)
    {
        result = null;
        switch (call)
        {
            case Open c when ProcPathOf(c.Path) is var (path, under) && under: result = ProcOpen(c, path); return true;
            case Stat c when ProcPathOf(c.Path) is var (path, under) && under: result = ProcStat(c, path); return true;
            case ReadDirectory c when ProcPathOf(c.Path) is var (path, under) && under: result = ProcList(c, path); return true;
            case Chdir c when ProcPathOf(c.Path) is var (path, under) && under: result = ProcChdir(c, path); return true;
            case Mkdir c when ProcPathOf(c.Path).Under: result = SysResult.Fail(Errno.EACCES); return true;
            case Unlink c when ProcPathOf(c.Path).Under: result = SysResult.Fail(Errno.EACCES); return true;
            case Rmdir c when ProcPathOf(c.Path).Under: result = SysResult.Fail(Errno.EACCES); return true;
            case Rename c when ProcPathOf(c.From).Under || ProcPathOf(c.To).Under: result = SysResult.Fail(Errno.EACCES); return true;
            case Read c when _state.Fds[c.Fd]?.Handle is ProcHandle h: result = ProcRead(c.Fd, h, c.Count); return true;
            case Write c when _state.Fds[c.Fd]?.Handle is ProcHandle h: result = ProcWrite(c, h); return true;
            case Seek c when _state.Fds[c.Fd]?.Handle is ProcHandle h: result = ProcSeek(c, h); return true;
            case Fstat c when _state.Fds[c.Fd]?.Handle is ProcHandle h:
                result = SysResult.Ok(0) with { Stat = ProcFiles.Attributes(h.File, h.Pid == _pid ? _state.Info : null) };
                return true;
            default: return false;
        }
    }

    private (string Path, bool Under) ProcPathOf(string path)
    {
        var absolute = Paths.Combine(_state.Cwd, path).TrimEnd('/');
        if (absolute.Length == 0) absolute = "/";
        return (absolute, ProcFiles.IsUnder(absolute));
    }

    /// <summary>The process a /proc path is about, then <paramref name="then"/> with it (ENOENT if it does not exist).</summary>
    private SysResult? WithProcess(SystemCall call, int pid, Func<ProcessInfo, SysResult?> then)
    {
        if (pid == _pid) return then(_state.Info);
        Await(call, Region.Ask<object>(new GetProcessInfo(pid), _node.Settings.CallTimeout),
            (object reply) => reply is ProcessInfo info ? then(info) : SysResult.Fail(Errno.ENOENT));
        return null;
    }

    private SysResult? ProcOpen(Open open, string path)
    {
        if (ProcFiles.Parse(path, _pid) is not { } target) return SysResult.Fail((open.Flags & OpenFlags.Create) != 0 ? Errno.EACCES : Errno.ENOENT);
        if (ProcFiles.IsDirectory(target.File)) return SysResult.Fail(Errno.EISDIR);
        var access = open.Flags & OpenFlags.AccessModes;
        return WithProcess(open, target.Pid, info =>
        {
            var who = _state.Credentials;
            var allowed = target.File == ProcFile.Goto
                ? access == OpenFlags.WriteOnly && (who.IsRoot || who.Uid == info.Uid)
                : access == OpenFlags.ReadOnly;
            if (!allowed) return SysResult.Fail(Errno.EACCES);
            var added = _state.Fds.Add(new ProcHandle(target.Pid, target.File, ProcFiles.Content(target.File, info), 0));
            if (!added.IsOk) return SysResult.Fail(added.Error!.Value);
            _state = _state with { Fds = added.Value.Table };
            return SysResult.Ok(added.Value.Fd);
        });
    }

    private SysResult? ProcStat(Stat stat, string path)
    {
        if (ProcFiles.Parse(path, _pid) is not { } target) return SysResult.Fail(Errno.ENOENT);
        if (target.File == ProcFile.Root) return SysResult.Ok(0) with { Stat = ProcFiles.Attributes(ProcFile.Root, null) };
        return WithProcess(stat, target.Pid, info => SysResult.Ok(0) with { Stat = ProcFiles.Attributes(target.File, info) });
    }

    private SysResult? ProcList(ReadDirectory list, string path)
    {
        if (ProcFiles.Parse(path, _pid) is not { } target) return SysResult.Fail(Errno.ENOENT);
        if (!ProcFiles.IsDirectory(target.File)) return SysResult.Fail(Errno.ENOTDIR);
        if (target.File == ProcFile.ProcessDirectory)
            return WithProcess(list, target.Pid, _ => Entries([.. ProcFiles.ProcessEntries.Select(e => new FsEntry(e.Name, 0, InodeType.Regular))]));
        Await(list, _node.Service.Ask<object>(new ListCluster(), _node.Settings.CallTimeout), (object reply) => reply is ProcessList all
            ? Entries([new FsEntry("self", 0, InodeType.Directory), .. all.Processes.Select(p => new FsEntry(p.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, InodeType.Directory))])
            : SysResult.Fail(Errno.EIO));
        return null;
    }

    private static SysResult Entries(FsEntry[] entries) => SysResult.Ok(entries.Length) with { Entries = [.. entries] };

    private SysResult? ProcChdir(Chdir chdir, string path)
    {
        if (ProcFiles.Parse(path, _pid) is not { } target) return SysResult.Fail(Errno.ENOENT);
        if (!ProcFiles.IsDirectory(target.File)) return SysResult.Fail(Errno.ENOTDIR);
        SysResult Enter(ProcessInfo? _)
        {
            _state = _state with { Cwd = path };
            return SysResult.Ok(0);
        }
        return target.File == ProcFile.Root ? Enter(null) : WithProcess(chdir, target.Pid, Enter);
    }

    private SysResult ProcRead(int fd, ProcHandle h, int count)
    {
        if (h.File == ProcFile.Goto) return SysResult.Fail(Errno.EBADF);
        var start = (int)Math.Min(h.Offset, h.Content.Length);
        var data = h.Content.AsSpan(start, Math.Min(Math.Max(count, 0), h.Content.Length - start)).ToArray();
        _state = _state with { Fds = _state.Fds.Set(fd, _state.Fds[fd]! with { Handle = h with { Offset = start + data.Length } }) };
        return SysResult.Ok(data.Length) with { Data = data };
    }

    private SysResult? ProcSeek(Seek seek, ProcHandle h)
    {
        var position = seek.Whence switch
        {
            Whence.Set => seek.Offset,
            Whence.Current => h.Offset + seek.Offset,
            Whence.End => h.Content.Length + seek.Offset,
            _ => -1,
        };
        if (position < 0) return SysResult.Fail(Errno.EINVAL);
        _state = _state with { Fds = _state.Fds.Set(seek.Fd, _state.Fds[seek.Fd]! with { Handle = h with { Offset = position } }) };
        return SysResult.Ok(position);
    }

    /// <summary>Writing N to /proc/PID/goto: a migration asked by this process (as its user), answered when it is done.</summary>
    private SysResult? ProcWrite(Write write, ProcHandle h)
    {
        if (h.File != ProcFile.Goto) return SysResult.Fail(Errno.EBADF);
        if (ProcFiles.ParseNode(write.Data) is not { } node) return SysResult.Fail(Errno.EINVAL);
        if (h.Pid == _pid) return MigrateSelf(node, null, SysResult.Ok(write.Data.Length));
        Await(write, Region.Ask<object>(new MigrateProcess(h.Pid, node, _state.Credentials.Uid), _node.Settings.CallTimeout),
            (object reply) => reply switch
            {
                Migrated => SysResult.Ok(write.Data.Length),
                Failed failed => SysResult.Fail(failed.Errno),
                _ => SysResult.Fail(Errno.EIO),
            });
        return null;
    }
}
