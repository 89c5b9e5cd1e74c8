// The continuations of the process calls: what a process, the process service or a loaded program answered.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>fork: the child exists; a quick child may have exited (and been noted) already, so its record is kept.</summary>
public sealed record OnForked : Then<ProcessCreated>
{
    protected override CallDecision On(ProcessState state, ProcessCreated child, CallWorld world)
    {
        var adopted = state.Children.ContainsKey(child.Pid)
            ? state
            : state with { Children = state.Children.SetItem(child.Pid, new ChildRecord(child.Node) { Pgid = state.Pgid }) };
        return CallDecision.Done(adopted, SysResult.Ok(child.Pid.Value));
    }
}

/// <summary>exec: the program file loaded with its argv, or why not; <see cref="Environment"/> is envp (null: unchanged).</summary>
public sealed record OnExecLoaded(ImmutableDictionary<string, string>? Environment = null) : Then<Outcome<LoadedProgram>>
{
    protected override CallDecision On(ProcessState state, Outcome<LoadedProgram> loaded, CallWorld world) =>
        loaded.IsOk ? ProcessCalls.Replace(state, loaded.Value.Program, loaded.Value.Args, Environment) : CallDecision.Fail(state, loaded.Error!.Value);
}

/// <summary>getpgid of another process: anything but its info means there is no such process.</summary>
public sealed record OnGroupOf : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world) =>
        reply is ProcessInfo info ? CallDecision.Done(state, SysResult.Ok(info.Pgid.Value)) : CallDecision.Fail(state, Errno.ESRCH);
}

/// <summary>setpgid into another group: it must exist in the caller's session (its leader answered).</summary>
public sealed record OnGroupLeader(Pid Pgid, Pid Sid) : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world) =>
        reply is ProcessInfo leader && leader.Sid == Sid && leader.Pgid == Pgid
            ? CallDecision.Done(state with { Pgid = Pgid }, SysResult.Ok(0), [PublishInfo.Instance, .. Family.TellParent(state with { Pgid = Pgid }, null)])
            : CallDecision.Fail(state, Errno.EPERM);
}

/// <summary>setpgid of a child: the child set its group, or said why not.</summary>
public sealed record OnChildGroupSet : Then<ProcessGroupSet>
{
    protected override CallDecision On(ProcessState state, ProcessGroupSet set, CallWorld world) =>
        CallDecision.Done(state.Children.TryGetValue(set.Pid, out var record) && record.Status is null
            ? state with { Children = state.Children.SetItem(set.Pid, record with { Pgid = set.Pgid }) }
            : state, SysResult.Ok(0));
}

/// <summary>kill of one process.</summary>
public sealed record OnSignalSent : Then<SignalSent>
{
    protected override CallDecision On(ProcessState state, SignalSent sent, CallWorld world) => CallDecision.Done(state, SysResult.Ok(0));
}

/// <summary>kill of a group: ESRCH if it reached nobody, EPERM if it reached only processes of others.</summary>
public sealed record OnGroupSignalled : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world) => reply switch
    {
        GroupSignalled { Delivered: > 0 } => CallDecision.Done(state, SysResult.Ok(0)),
        GroupSignalled { Denied: > 0 } => CallDecision.Fail(state, Errno.EPERM),
        GroupSignalled => CallDecision.Fail(state, Errno.ESRCH),
        _ => Unexpected(state),
    };
}

/// <summary>The cluster's process list (ps); the service's failure is EIO.</summary>
public sealed record OnProcessList : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world) =>
        reply is ProcessList list ? CallDecision.Done(state, SysResult.Ok(list.Processes.Length) with { Processes = list.Processes }) : Unexpected(state);
}

/// <summary>where_pid: anything but the process's info means there is no such process.</summary>
public sealed record OnWhere : Then
{
    protected override bool TakesFailures => true;

    protected override CallDecision On(ProcessState state, object reply, CallWorld world) =>
        reply is ProcessInfo info ? CallDecision.Done(state, SysResult.Ok(info.Node.Value)) : CallDecision.Fail(state, Errno.ESRCH);
}

/// <summary>A move of another process through its /proc/PID/goto: the write's count once it moved.</summary>
public sealed record OnMovedOther(int Count) : Then<Migration.Migrated>
{
    protected override CallDecision On(ProcessState state, Migration.Migrated moved, CallWorld world) => CallDecision.Done(state, SysResult.Ok(Count));
}
