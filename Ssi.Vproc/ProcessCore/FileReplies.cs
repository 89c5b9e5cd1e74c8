// The continuations of the file calls: what each file-system reply means to the program and to its descriptor table.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>open: the description gets the lowest free descriptor; with the table full it is closed again (EMFILE).</summary>
public sealed record OnOpened : Then<FsOpened>
{
    protected override CallDecision On(ProcessState state, FsOpened opened, CallWorld world)
    {
        var added = state.Fds.Add(new CfsHandle(opened.OpenFile));
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

/// <summary>A device's answer to a write: the count written, or the errno it refused with (EPIPE, once pipes exist).</summary>
public sealed record OnTerminalWritten : Then<TerminalWritten>
{
    protected override CallDecision On(ProcessState state, TerminalWritten written, CallWorld world) => CallDecision.Done(state, SysResult.Ok(written.Count));
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

/// <summary>mkdir and mknod: the new inode's attributes.</summary>
public sealed record OnCreated : Then<FsAttributes>
{
    protected override CallDecision On(ProcessState state, FsAttributes created, CallWorld world) => CallDecision.Done(state, SysResult.Ok(0));
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
