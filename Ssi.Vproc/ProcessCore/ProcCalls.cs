// The system calls on /proc as decisions: answered from this process's state or from the entity of the process named.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Service;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.ProcFs;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>/proc is not in the cluster file system: calls on paths under it, or on descriptors open on it, end here.</summary>
public static class ProcCalls
{
    /// <summary>The decision for a call about /proc, or null if <paramref name="call"/> is about something else.</summary>
    public static CallDecision? Decide(ProcessState state, SystemCall call)
    {
        switch (call)
        {
            case Open c when Under(state, c.Path) is { } path: return Open(state, c, path);
            case Stat c when Under(state, c.Path) is { } path: return Stat(state, path);
            case ReadDirectory c when Under(state, c.Path) is { } path: return List(state, path);
            case Chdir c when Under(state, c.Path) is { } path: return Chdir(state, path);
            case Mkdir c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Mknod c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Unlink c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Rmdir c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Rename c when Under(state, c.From) is not null || Under(state, c.To) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Symlink c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Link c when Under(state, c.Existing) is not null || Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Chmod c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EPERM);
            case SetTimes c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EPERM);
            case ReadLink c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EINVAL);
            case Read c when state.Fds[c.Fd]?.Handle is ProcHandle h: return Read(state, c.Fd, h, c.Count);
            case Write c when state.Fds[c.Fd]?.Handle is ProcHandle h: return Write(state, c, h);
            case Seek c when state.Fds[c.Fd]?.Handle is ProcHandle h: return Seek(state, c, h);
            case Fstat c when state.Fds[c.Fd]?.Handle is ProcHandle h:
                return CallDecision.Done(state, SysResult.Ok(0) with { Stat = ProcFiles.Attributes(h.File, h.Pid == state.Pid ? state.Info : null) });
            default: return null;
        }
    }

    /// <summary>The absolute path if <paramref name="path"/> is under /proc, else null.</summary>
    private static string? Under(ProcessState state, string path)
    {
        var absolute = Paths.Combine(state.Cwd, path).TrimEnd('/');
        if (absolute.Length == 0) absolute = "/";
        return ProcFiles.IsUnder(absolute) ? absolute : null;
    }

    /// <summary>The process a /proc path is about: this one at once, another through its entity (ENOENT if it does not exist).</summary>
    private static CallDecision WithProcess(ProcessState state, Pid pid, ProcStep step) =>
        pid == state.Pid ? step.With(state, state.Info) : CallDecision.Wait(state, new AskFor(Destination.Processes, new GetProcessInfo(pid), new OnProcInfo(step)));

    private static CallDecision Open(ProcessState state, Open open, string path)
    {
        if (ProcFiles.Parse(path, state.Pid) is not { } target)
            return CallDecision.Fail(state, (open.Flags & OpenFlags.Create) != 0 ? Errno.EACCES : Errno.ENOENT);
        if (ProcFiles.IsDirectory(target.File)) return CallDecision.Fail(state, Errno.EISDIR);
        return WithProcess(state, target.Pid, new ProcOpen(target, open.Flags & OpenFlags.AccessModes));
    }

    private static CallDecision Stat(ProcessState state, string path)
    {
        if (ProcFiles.Parse(path, state.Pid) is not { } target) return CallDecision.Fail(state, Errno.ENOENT);
        if (target.File == ProcFile.Root) return CallDecision.Done(state, SysResult.Ok(0) with { Stat = ProcFiles.Attributes(ProcFile.Root, null) });
        return WithProcess(state, target.Pid, new ProcStat(target.File));
    }

    private static CallDecision List(ProcessState state, string path)
    {
        if (ProcFiles.Parse(path, state.Pid) is not { } target) return CallDecision.Fail(state, Errno.ENOENT);
        if (!ProcFiles.IsDirectory(target.File)) return CallDecision.Fail(state, Errno.ENOTDIR);
        if (target.File == ProcFile.ProcessDirectory) return WithProcess(state, target.Pid, new ProcListProcess());
        return CallDecision.Wait(state, new AskFor(Destination.ProcessService, new ListCluster(), new OnProcRoot()));
    }

    private static CallDecision Chdir(ProcessState state, string path)
    {
        if (ProcFiles.Parse(path, state.Pid) is not { } target) return CallDecision.Fail(state, Errno.ENOENT);
        if (!ProcFiles.IsDirectory(target.File)) return CallDecision.Fail(state, Errno.ENOTDIR);
        var enter = new ProcChdir(path);
        return target.File == ProcFile.Root ? enter.With(state, state.Info) : WithProcess(state, target.Pid, enter);
    }

    private static CallDecision Read(ProcessState state, Fd fd, ProcHandle h, int count)
    {
        if (h.File == ProcFile.Goto) return CallDecision.Fail(state, Errno.EBADF);
        var start = (int)Math.Min(h.Offset, h.Content.Length);
        var data = h.Content.AsSpan(start, Math.Min(Math.Max(count, 0), h.Content.Length - start)).ToArray();
        var next = state with { Fds = state.Fds.Set(fd, state.Fds[fd]! with { Handle = h with { Offset = start + data.Length } }) };
        return CallDecision.Done(next, SysResult.Ok(data.Length) with { Data = data });
    }

    private static CallDecision Seek(ProcessState state, Seek seek, ProcHandle h)
    {
        var position = seek.Whence switch
        {
            Whence.Set => seek.Offset,
            Whence.Current => h.Offset + seek.Offset,
            Whence.End => h.Content.Length + seek.Offset,
            _ => -1,
        };
        if (position < 0) return CallDecision.Fail(state, Errno.EINVAL);
        var next = state with { Fds = state.Fds.Set(seek.Fd, state.Fds[seek.Fd]! with { Handle = h with { Offset = position } }) };
        return CallDecision.Done(next, SysResult.Ok(position));
    }

    /// <summary>Writing N to /proc/PID/goto: a move asked by this process (as its user), answered when it is done.</summary>
    private static CallDecision Write(ProcessState state, Write write, ProcHandle h)
    {
        if (h.File != ProcFile.Goto) return CallDecision.Fail(state, Errno.EBADF);
        if (ProcFiles.ParseNode(write.Data) is not { } node) return CallDecision.Fail(state, Errno.EINVAL);
        if (h.Pid == state.Pid) return CallDecision.Wait(state, new MoveSelf(node, null, SysResult.Ok(write.Data.Length)));
        return CallDecision.Wait(state, new AskFor(Destination.Processes, new MigrateProcess(h.Pid, node, state.Credentials.Uid), new OnMovedOther(write.Data.Length)));
    }
}

/// <summary>What a /proc call does once it has the info of the process its path names.</summary>
public abstract record ProcStep
{
    public abstract CallDecision With(ProcessState state, ProcessInfo info);
}

/// <summary>Opening a file of a process: goto only for writing by its user (or root), the others only for reading.</summary>
public sealed record ProcOpen(ProcPath Target, OpenFlags Access) : ProcStep
{
    public override CallDecision With(ProcessState state, ProcessInfo info)
    {
        var who = state.Credentials;
        var allowed = Target.File == ProcFile.Goto
            ? Access == OpenFlags.WriteOnly && (who.IsRoot || who.Uid == info.Uid)
            : Access == OpenFlags.ReadOnly;
        if (!allowed) return CallDecision.Fail(state, Errno.EACCES);
        var added = state.Fds.Add(new ProcHandle(Target.Pid, Target.File, ProcFiles.Content(Target.File, info), 0));
        if (!added.IsOk) return CallDecision.Fail(state, added.Error!.Value);
        return CallDecision.Done(state with { Fds = added.Value.Table }, SysResult.Ok(added.Value.Fd.Value));
    }
}

public sealed record ProcStat(ProcFile File) : ProcStep
{
    public override CallDecision With(ProcessState state, ProcessInfo info) =>
        CallDecision.Done(state, SysResult.Ok(0) with { Stat = ProcFiles.Attributes(File, info) });
}

public sealed record ProcListProcess : ProcStep
{
    public override CallDecision With(ProcessState state, ProcessInfo info)
    {
        FsEntry[] entries = [.. ProcFiles.ProcessEntries.Select(e => new FsEntry(e.Name, new InodeNumber(0), InodeType.Regular))];
        return CallDecision.Done(state, SysResult.Ok(entries.Length) with { Entries = [.. entries] });
    }
}

public sealed record ProcChdir(string Path) : ProcStep
{
    public override CallDecision With(ProcessState state, ProcessInfo info) => CallDecision.Done(state with { Cwd = Path }, SysResult.Ok(0));
}

/// <summary>The info of the process a /proc path names, or ENOENT if there is none.</summary>
public sealed record OnProcInfo(ProcStep Step) : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world) =>
        reply is ProcessInfo info ? Step.With(state, info) : CallDecision.Fail(state, Errno.ENOENT);
}

/// <summary>Listing /proc itself: "self" and a directory per process of the cluster.</summary>
public sealed record OnProcRoot : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world)
    {
        if (reply is not ProcessList all) return Unexpected(state);
        FsEntry[] entries = [new FsEntry("self", new InodeNumber(0), InodeType.Directory),
            .. all.Processes.Select(p => new FsEntry(p.Pid.ToString(), new InodeNumber(0), InodeType.Directory))];
        return CallDecision.Done(state, SysResult.Ok(entries.Length) with { Entries = [.. entries] });
    }
}
