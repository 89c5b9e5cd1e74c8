// The process calls as decisions: fork, exec, exit, wait, groups and sessions, signals, sleep, and the cluster calls.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;
using Ssi.Vproc.Migration;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using Kill = Ssi.Vproc.Programs.Kill;

namespace Ssi.Vproc.ProcessCore;

public static class ProcessCalls
{
    /// <summary>The decision for a process call, or null if <paramref name="call"/> is not one.</summary>
    public static CallDecision? Decide(ProcessState state, SystemCall call, CallWorld world)
    {
        var pid = state.Pid;
        switch (call)
        {
            case Fork c:
                // Every description gains a reference first (the child shares them), then the child's node creates it.
                var shared = state.Fds.Entries.Values.Select(d => d.Handle).OfType<CfsHandle>().Select(h => h.OpenFile).ToImmutableArray();
                var pipes = state.Fds.Entries.Values.Select(d => d.Handle).OfType<PipeHandle>().ToImmutableArray();
                var node = c.Node ?? world.Node;
                return CallDecision.Wait(state, new CreateChild(node, state.ForChild(new Pid(0), node, world.Now), shared, pipes));
            case Exec c: return CallDecision.Wait(state, new LoadProgram(state.Resolve(c.Path), c.Args.Length > 0 ? c.Args : [c.Path], c.Environment, c.Path));
            case Exit c: return CallDecision.Wait(state, new EndProcess(WaitStatus.Exited(c.Code)));
            case Wait c: return Family.TryWait(state, c);
            case GetPid: return CallDecision.Done(state, SysResult.Ok(pid.Value));
            case GetPpid: return CallDecision.Done(state, SysResult.Ok(state.Parent.Value));
            case GetUid or GetEuid: return CallDecision.Done(state, SysResult.Ok(state.Credentials.Uid));
            case GetGid or GetEgid: return CallDecision.Done(state, SysResult.Ok(state.Credentials.Gid));
            case GetGroups: return CallDecision.Done(state, SysResult.Ok(state.Credentials.Groups.Length) with { Text = string.Join(' ', state.Credentials.Groups) });
            case GetNode: return CallDecision.Done(state, SysResult.Ok(world.Node.Value));
            case GetNice: return CallDecision.Done(state, SysResult.Ok(state.Nice));
            case SetNice c:
                var nice = Math.Clamp(c.Nice, -20, 19);
                if (nice < state.Nice && !state.Credentials.IsRoot) return CallDecision.Fail(state, Errno.EACCES); // Linux's setpriority says EACCES
                return CallDecision.Done(state with { Nice = nice }, SysResult.Ok(nice), [PublishInfo.Instance]);
            case GetTime: return CallDecision.Done(state, SysResult.Ok((world.Now - DateTimeOffset.UnixEpoch).Ticks / 10));
            case GetPgid c:
                if (c.Pid == 0 || c.Pid == pid.Value) return CallDecision.Done(state, SysResult.Ok(state.Pgid.Value));
                return Ask(state, Destination.Processes, new GetProcessInfo(new Pid(c.Pid)), new OnGroupOf());
            case SetPgid c: return SetPgid(state, c);
            case SetSid:
                if (state.Pgid == pid) return CallDecision.Fail(state, Errno.EPERM); // a group leader cannot start a session
                var leader = state with { Sid = pid, Pgid = pid, ControllingTerminal = null };
                return CallDecision.Done(leader, SysResult.Ok(pid.Value), [PublishInfo.Instance, .. Family.TellParent(leader, null)]);
            case Kill c: return Kill(state, c);
            case SigAction c:
                var changed = state.Signals.SetDisposition(c.Signal, c.Disposition);
                if (!changed.IsOk) return CallDecision.Fail(state, changed.Error!.Value);
                var signals = c.Restart ? changed.Value.State with { Restarting = changed.Value.State.Restarting | Ssi.Actors.Signals.Signal.Bit(c.Signal) } : changed.Value.State;
                return CallDecision.Done(state with { Signals = signals }, SysResult.Ok((int)changed.Value.Previous));
            case SigProcMask c:
                var masked = state.Signals.ChangeMask(c.How, c.Mask);
                if (!masked.IsOk) return CallDecision.Fail(state, masked.Error!.Value);
                return CallDecision.Done(state with { Signals = masked.Value.State }, SysResult.Ok((long)masked.Value.Previous));
            case Pause: return CallDecision.Wait(state, Block.Instance);
            case Sleep c: return c.Duration <= TimeSpan.Zero ? CallDecision.Done(state, SysResult.Ok(0)) : CallDecision.Wait(state, new SleepFor(c.Duration));
            case ListProcesses: return Ask(state, Destination.ProcessService, new ListCluster(), new OnProcessList());
            case WhereIs c: return Ask(state, Destination.Processes, new GetProcessInfo(c.Pid), new OnWhere());
            case ListNodes: return CallDecision.Done(state, SysResult.Ok(0) with { Text = string.Join(' ', world.UpNodes()) });
            case Programs.Migrate c: return CallDecision.Wait(state, new MoveSelf(c.Node, null, SysResult.Ok(0)));
            case Rexec c:
                var exec = new Exec(c.Path, c.Args, c.Environment);
                return c.Node == world.Node ? Decide(state, exec, world) : CallDecision.Wait(state, new MoveSelf(c.Node, exec, SysResult.Ok(0)));
            default: return null;
        }
    }

    private static CallDecision Ask(ProcessState state, Destination to, object request, Then then) =>
        CallDecision.Wait(state, new AskFor(to, request, then));

    /// <summary>
    /// exec succeeded: close-on-exec descriptors close, handlers reset, the environment is envp's (if given), and the
    /// new program replaces the old.
    /// </summary>
    public static CallDecision Replace(ProcessState state, Program program, string[] args, ImmutableDictionary<string, string>? environment = null)
    {
        var (fds, closed) = state.Fds.AfterExec();
        var next = state with { Fds = fds, Signals = state.Signals.AfterExec(), Command = string.Join(' ', args), Environment = environment ?? state.Environment };
        return CallDecision.Replaced(next, [.. closed.SelectMany(d => FileCalls.Release(state, d)), new StartImage(program, args), PublishInfo.Instance]);
    }

    private static CallDecision SetPgid(ProcessState state, SetPgid c)
    {
        var pid = state.Pid;
        var target = c.Pid == 0 ? pid : new Pid(c.Pid);
        var pgid = c.Pgid == 0 ? target : new Pid(c.Pgid);
        if (pgid.Value < 0) return CallDecision.Fail(state, Errno.EINVAL);
        if (target == pid)
        {
            if (state.Sid == pid) return CallDecision.Fail(state, Errno.EPERM); // a session leader cannot move
            if (pgid == state.Pgid) return CallDecision.Done(state, SysResult.Ok(0));
            if (pgid == pid) return CallDecision.Done(state with { Pgid = pgid }, SysResult.Ok(0), [PublishInfo.Instance, .. Family.TellParent(state with { Pgid = pgid }, null)]);
            // Joining another group: it must exist in this session (its leader is asked).
            return Ask(state, Destination.Processes, new GetProcessInfo(pgid), new OnGroupLeader(pgid, state.Sid));
        }
        if (!state.Children.TryGetValue(target, out var record) || record.Status is not null) return CallDecision.Fail(state, Errno.ESRCH);
        return Ask(state, Destination.Processes, new SetProcessGroup(target, pgid, pid, state.Sid), new OnChildGroupSet());
    }

    /// <summary>kill(2) as the sender makes it: one process, its own group (0), every process (-1) or a group (-PGID).</summary>
    private static CallDecision Kill(ProcessState state, Kill c)
    {
        if (c.Signal != 0 && !Signal.IsValid(c.Signal)) return CallDecision.Fail(state, Errno.EINVAL);
        var (uid, pid) = (state.Credentials.Uid, state.Pid);
        // A signal to oneself is pending before kill returns, as Linux has it: `kill -HUP $$` runs the trap before the next command.
        if (c.Pid == pid.Value) return CallDecision.Done(c.Signal == 0 ? state : state with { Signals = state.Signals.Post(c.Signal) }, SysResult.Ok(0));
        if (c.Pid > 0) return Ask(state, Destination.Processes, new SignalProcess(new Pid(c.Pid), c.Signal, uid, pid), new OnSignalSent());
        Pid? group = c.Pid == 0 ? state.Pgid : c.Pid == -1 ? null : new Pid(-c.Pid); // null: every process
        return Ask(state, Destination.ProcessService, new KillGroup(group, c.Signal, uid, pid), new OnGroupSignalled());
    }
}
