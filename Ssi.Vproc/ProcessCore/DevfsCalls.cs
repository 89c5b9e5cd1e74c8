// The system calls on /devfs as decisions: directories listed from the cluster's membership, consoles opened by node.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Service;
using Ssi.Vproc.Devfs;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>/devfs is not in the cluster file system (<see cref="DevfsPaths"/>): calls on paths under it end here.</summary>
public static class DevfsCalls
{
    /// <summary>The decision for a call about /devfs, or null if <paramref name="call"/> is about something else.</summary>
    public static CallDecision? Decide(ProcessState state, SystemCall call)
    {
        switch (call)
        {
            case Open c when Under(state, c.Path) is { } path: return Open(state, c, path);
            case Stat c when Under(state, c.Path) is { } path: return WithNode(state, path, new DevfsStat());
            case ReadDirectory c when Under(state, c.Path) is { } path: return List(state, path);
            case Chdir c when Under(state, c.Path) is { } path: return WithNode(state, path, new DevfsChdir(path));
            case Mkdir c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Mknod c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Unlink c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Rmdir c when Under(state, c.Path) is not null: return CallDecision.Fail(state, Errno.EACCES);
            case Rename c when Under(state, c.From) is not null || Under(state, c.To) is not null: return CallDecision.Fail(state, Errno.EACCES);
            default: return null;
        }
    }

    private static string? Under(ProcessState state, string path)
    {
        var absolute = Paths.Combine(state.Cwd, path).TrimEnd('/');
        if (absolute.Length == 0) absolute = "/";
        return DevfsPaths.IsUnder(absolute) ? absolute : null;
    }

    /// <summary>A node's directory and console exist while the node is up: its console is asked for (ENOENT if not up).</summary>
    private static CallDecision WithNode(ProcessState state, string path, DevfsStep step)
    {
        if (DevfsPaths.Parse(path) is not { } target) return CallDecision.Fail(state, Errno.ENOENT);
        if (target.Node is not { } node) return step.With(state, target, null);
        return CallDecision.Wait(state, new AskFor(Destination.ProcessService, new ConsoleOf(node), new OnDevfsNode(target, step)));
    }

    /// <summary>Opening a node's console: root's only (crw-------); ENXIO when its node is not up, as for a device whose driver is gone.</summary>
    private static CallDecision Open(ProcessState state, Open open, string path)
    {
        if (DevfsPaths.Parse(path) is not { } target)
            return CallDecision.Fail(state, (open.Flags & OpenFlags.Create) != 0 ? Errno.EACCES : Errno.ENOENT);
        if (target.File != DevfsFile.Console) return CallDecision.Fail(state, Errno.EISDIR);
        if ((open.Flags & OpenFlags.AccessModes) is OpenFlags.AccessModes) return CallDecision.Fail(state, Errno.EINVAL);
        if (!state.Credentials.IsRoot) return CallDecision.Fail(state, Errno.EACCES);
        return CallDecision.Wait(state, new AskFor(Destination.ProcessService, new ConsoleOf(target.Node), new OnConsoleFound()));
    }

    private static CallDecision List(ProcessState state, string path)
    {
        if (DevfsPaths.Parse(path) is not { } target) return CallDecision.Fail(state, Errno.ENOENT);
        if (target.File == DevfsFile.Console) return CallDecision.Fail(state, Errno.ENOTDIR);
        if (target.File == DevfsFile.NodeDirectory) return WithNode(state, path, new DevfsListNode());
        return CallDecision.Wait(state, new AskFor(Destination.ProcessService, ListConsoles.Instance, new OnDevfsRoot()));
    }
}

/// <summary>What a /devfs call does once the node its path names is known to be up.</summary>
public abstract record DevfsStep
{
    public abstract CallDecision With(ProcessState state, DevfsPath target, ConsoleFound? console);
}

public sealed record DevfsStat : DevfsStep
{
    public override CallDecision With(ProcessState state, DevfsPath target, ConsoleFound? console) =>
        CallDecision.Done(state, SysResult.Ok(0) with { Stat = DevfsPaths.Attributes(target.File) });
}

public sealed record DevfsChdir(string Path) : DevfsStep
{
    public override CallDecision With(ProcessState state, DevfsPath target, ConsoleFound? console) =>
        target.File == DevfsFile.Console ? CallDecision.Fail(state, Errno.ENOTDIR) : CallDecision.Done(state with { Cwd = Path }, SysResult.Ok(0));
}

public sealed record DevfsListNode : DevfsStep
{
    public override CallDecision With(ProcessState state, DevfsPath target, ConsoleFound? console) =>
        CallDecision.Done(state, SysResult.Ok(1) with { Entries = [new FsEntry("console", new InodeNumber(0), InodeType.CharDevice)] });
}

/// <summary>The node a /devfs path names is up (its console answered), or the path names nothing: ENOENT.</summary>
public sealed record OnDevfsNode(DevfsPath Target, DevfsStep Step) : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world) =>
        reply is ConsoleFound found ? Step.With(state, Target, found) : CallDecision.Fail(state, Errno.ENOENT);
}

/// <summary>Listing /devfs: a directory per node that is up.</summary>
public sealed record OnDevfsRoot : Then<ConsoleNodes>
{
    protected override CallDecision On(ProcessState state, ConsoleNodes nodes, CallWorld world)
    {
        FsEntry[] entries = [.. nodes.Nodes.Order().Select(n => new FsEntry(DevfsPaths.DirectoryName(n), new InodeNumber(0), InodeType.Directory))];
        return CallDecision.Done(state, SysResult.Ok(entries.Length) with { Entries = [.. entries] });
    }
}

/// <summary>A console to open (/dev/console or /devfs/nodeN/console): a terminal descriptor on it, or the errno (ENXIO).</summary>
public sealed record OnConsoleFound : Then<ConsoleFound>
{
    protected override CallDecision On(ProcessState state, ConsoleFound found, CallWorld world)
    {
        var added = state.Fds.Add(new TerminalHandle(found.Console, 1));
        return added.IsOk ? CallDecision.Done(state with { Fds = added.Value.Table }, SysResult.Ok(added.Value.Fd.Value)) : CallDecision.Fail(state, added.Error!.Value);
    }
}
