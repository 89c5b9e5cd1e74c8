// The rules between related processes: wait, a child's exit, a parent's setpgid of its child, and who may signal whom.
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

public static class Family
{
    /// <summary>
    /// waitpid: of the children the selector names (a PID, -1 any, 0 the caller's group, -PGID that group), the
    /// lowest-numbered one with something to report: an exit (the zombie is reaped), a stop under WUNTRACED or a
    /// continue under WCONTINUED (each reported once, as on Linux). 0 under WNOHANG, ECHILD without children that
    /// match, or it blocks until a child changes.
    /// </summary>
    public static CallDecision TryWait(ProcessState state, Wait wait)
    {
        Pid? group = wait.Pid switch { 0 => state.Pgid, < -1 => new Pid(-wait.Pid), _ => null };
        var candidates = state.Children
            .Where(c => group is { } g ? (c.Value.Pgid ?? state.Pgid) == g : wait.Pid == -1 || c.Key.Value == wait.Pid)
            .OrderBy(c => c.Key).ToList();
        if (candidates.Count == 0) return CallDecision.Fail(state, Errno.ECHILD);
        foreach (var (child, record) in candidates)
        {
            if (record.Status is { } status)
                return CallDecision.Done(Reaped(state, child), SysResult.Ok(child.Value) with { Status = status },
                    new Send(Destination.Processes, new Reap(child)));
            if (record.Unreported is not { } change) continue;
            var wanted = WaitStatus.IfContinued(change) ? WaitOptions.Continued : WaitOptions.Untraced;
            if ((wait.Options & wanted) == 0) continue;
            return CallDecision.Done(state with { Children = state.Children.SetItem(child, record with { Unreported = null }) },
                SysResult.Ok(child.Value) with { Status = change });
        }
        return (wait.Options & WaitOptions.NoHang) != 0 ? CallDecision.Done(state, SysResult.Ok(0)) : CallDecision.Wait(state, Block.Instance);
    }

    /// <summary>How many reaped children a process remembers, so that late repeats of their exit notices are known.</summary>
    public const int ReapedKept = 64;

    private static ProcessState Reaped(ProcessState state, Pid child)
    {
        var reaped = state.RecentlyReaped.Add(child);
        return state with { Children = state.Children.Remove(child), RecentlyReaped = reaped.Count > ReapedKept ? reaped.RemoveAt(0) : reaped };
    }

    /// <summary>
    /// A child's exit reached its (living) parent: its status is kept for wait; null if it was a repeat (also one that
    /// comes after the child was reaped: found by `ssi chaos`, where a slow acknowledgement let wait report a child twice).
    /// </summary>
    public static ProcessState? ChildExited(ProcessState state, Pid child, int status, Pid? pgid = null)
    {
        if (state.RecentlyReaped.Contains(child)) return null;
        if (state.Children.TryGetValue(child, out var record) && record.Status is not null) return null;
        // Where it ran; an exited child's node is never read again (moves and lost nodes concern living children only).
        var node = record?.Node ?? child.Origin ?? state.Node;
        return state with { Children = state.Children.SetItem(child, new ChildRecord(node, status) { Pgid = pgid ?? record?.Pgid }) };
    }

    /// <summary>
    /// A living child stopped, continued or changed its group: the record keeps its group and the stop or continue for
    /// wait (a newer one replaces one not yet reported, as on Linux). Null if the child has exited already (its exit
    /// is what wait reports). Like an exit notice, it may come before fork's own answer, so it makes the record.
    /// </summary>
    public static ProcessState? ChildStateChanged(ProcessState state, ChildStateChanged changed)
    {
        if (state.RecentlyReaped.Contains(changed.Child)) return null;
        state.Children.TryGetValue(changed.Child, out var record);
        if (record?.Status is not null) return null;
        record ??= new ChildRecord(changed.Child.Origin ?? state.Node);
        return state with { Children = state.Children.SetItem(changed.Child, record with { Pgid = changed.Pgid, Unreported = changed.Report ?? record.Unreported }) };
    }

    /// <summary>
    /// What the parent must hear of this process's job-control state: a stop or continue to report, or (null) only a
    /// new group. Init hears nothing (it reaps, and waits for no stopped child).
    /// </summary>
    public static Effect[] TellParent(ProcessState state, int? report) =>
        state.Parent.IsInit || state.Parent.Value <= 0 ? [] : [new Send(Destination.Processes, new ChildStateChanged(state.Parent, state.Pid, state.Pgid, report))];

    /// <summary>setpgid(2) of this process by its parent: only the parent, only in its session, never a session leader.</summary>
    public static (ProcessState State, object Reply) SetGroupByParent(ProcessState state, SetProcessGroup set)
    {
        var pid = state.Pid;
        if (state.State == RunState.Zombie || set.CallerPid != state.Parent)
            return (state, new Failed(Errno.ESRCH, $"{pid} is not a child of {set.CallerPid}"));
        if (set.CallerSid != state.Sid || state.Sid == pid) return (state, new Failed(Errno.EPERM, "another session"));
        return (state with { Pgid = set.Pgid }, new ProcessGroupSet(pid, set.Pgid));
    }

    /// <summary>
    /// kill(2) arriving: the reply, and whether the signal is posted. Same uid or root, else EPERM; a zombie exists but
    /// a signal does nothing to it; signal 0 only answers.
    /// </summary>
    public static (object Reply, bool Post) Receive(ProcessState state, SignalProcess signal)
    {
        var pid = state.Pid;
        if (state.State == RunState.Zombie) return (new SignalSent(pid), false);
        if (signal.SenderUid != 0 && signal.SenderUid != state.Credentials.Uid)
            return (new Failed(Errno.EPERM, $"process {pid} belongs to another user"), false);
        return (new SignalSent(pid), signal.Signal != 0);
    }

    /// <summary>
    /// exit: descriptors are released, living children go to init, zombie children are reaped, and the process is a
    /// zombie with its status until its parent (or init) collects it.
    /// </summary>
    public static (ProcessState State, IReadOnlyList<Effect> Effects) Exit(ProcessState state, int status)
    {
        var effects = new List<Effect>();
        effects.AddRange(state.Fds.Entries.Values.SelectMany(d => FileCalls.Release(state, d)));
        foreach (var (child, record) in state.Children)
            effects.Add(new Send(Destination.Processes, record.Status is null ? new Reparent(child, Pid.Init) : new Reap(child)));
        var zombie = state with
        {
            State = RunState.Zombie,
            ExitStatus = status,
            Fds = FdTable.Empty,
            Children = System.Collections.Immutable.ImmutableDictionary<Pid, ChildRecord>.Empty,
        };
        return (zombie, effects);
    }

    /// <summary>Its parent is gone: the new parent (init) adopts it, wherever init runs.</summary>
    public static ProcessState Reparented(ProcessState state, Pid newParent) => state with { Parent = newParent, ParentNode = null };

    /// <summary>
    /// A node left the cluster: its processes died as if killed. Children that ran there are noted as killed by
    /// SIGKILL (each one a SIGCHLD); a parent that ran there is replaced by init. A zombie only looks for a new parent.
    /// </summary>
    public static (ProcessState State, IReadOnlyList<Pid> ChildrenKilled, bool Orphaned) NodeLost(ProcessState state, NodeNumber node)
    {
        var orphaned = state.ParentNode == node && !state.Parent.IsInit;
        if (state.State == RunState.Zombie) return (state, [], orphaned);
        var killed = state.Children.Where(c => c.Value.Node == node && c.Value.Status is null).Select(c => c.Key).Order().ToList();
        var after = killed.Aggregate(state, (s, child) =>
            s with { Children = s.Children.SetItem(child, s.Children[child] with { Node = node, Status = WaitStatus.Signaled(Actors.Signals.Signal.SIGKILL) }) });
        if (orphaned) after = after with { Parent = Pid.Init, ParentNode = null };
        return (after, killed, orphaned);
    }

    /// <summary>
    /// The node of the process's controlling terminal is gone: the terminal hung up, and the process has none any more.
    /// Linux then sends SIGHUP and SIGCONT to the session leader and to the terminal's foreground group; the leader's
    /// own group stands for the foreground group here (an ssi run session starts with no other).
    /// </summary>
    public static (ProcessState State, bool HangUp) TerminalLost(ProcessState state, Akka.Actor.Address at)
    {
        if (state.State == RunState.Zombie || state.ControllingTerminal is not { } terminal || !terminal.Path.Address.Equals(at)) return (state, false);
        return (state with { ControllingTerminal = null }, state.Sid == state.Pid || state.Pgid == state.Sid);
    }
}
