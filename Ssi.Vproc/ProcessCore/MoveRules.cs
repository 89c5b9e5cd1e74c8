// The decisions of a move: who may move a process and where, when it may leave, what it takes, and whom it tells on arrival.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>When a process asked to move may leave, given the call it is in.</summary>
public abstract record Leave
{
    /// <summary>It is between two steps, or its call can be made again there: it leaves now, and makes <see cref="Reissue"/> on arrival.</summary>
    public sealed record Now(SystemCall? Reissue) : Leave;

    /// <summary>A terminal read goes along still waiting: the device answers the PID, wherever it is by then.</summary>
    public sealed record WithRead(PendingTerminalRead Reading) : Leave;

    /// <summary>The call in flight must end first (a reply is on its way, or a cancel is): it leaves when it does.</summary>
    public sealed record AfterCall : Leave;
}

/// <summary>The call in flight as a move sees it.</summary>
/// <param name="TimeLeft">For a sleep or a read with a timeout, how long it may still wait.</param>
public sealed record CallInFlight(long Id, SystemCall Call, bool Interruptible, bool Cancelling, TimeSpan? TimeLeft);

public static class MoveRules
{
    /// <summary>Why a move of <paramref name="state"/> to <paramref name="target"/> asked by <paramref name="uid"/> cannot start, or null.</summary>
    public static Failed? Refuse(ProcessState state, bool moving, NodeNumber target, int uid, NodeNumber here, Func<NodeNumber, bool> isUp)
    {
        var pid = state.Pid;
        if (state.State == RunState.Zombie) return new Failed(Errno.ESRCH, $"process {pid} has exited");
        if (uid != 0 && uid != state.Credentials.Uid) return new Failed(Errno.EPERM, $"process {pid} belongs to another user");
        if (state.Pinned) return new Failed(Errno.EPERM, $"process {pid} is pinned to node {here}");
        if (moving) return new Failed(Errno.EBUSY, $"process {pid} is already moving");
        if (target != here && !isUp(target)) return new Failed(Errno.EHOSTDOWN, $"node {target} is not up");
        return null;
    }

    /// <summary>
    /// When to leave: now if at a boundary; a call that waits is made again on arrival (a sleep for what is left of
    /// it) or, for a terminal read, taken along; a call with a reply or a cancel on its way must end first.
    /// </summary>
    public static Leave WhenToLeave(CallInFlight? call)
    {
        if (call is null) return new Leave.Now(null);
        if (!call.Interruptible) return new Leave.AfterCall();
        // A pipe holds a waiting write (or FIFO open) and will carry it out: made again there it would happen twice.
        if (call.Call is Write or Open) return new Leave.AfterCall();
        if (call.Call is Read read)
            return call.Cancelling ? new Leave.AfterCall() : new Leave.WithRead(new PendingTerminalRead(call.Id, read, call.TimeLeft));
        return new Leave.Now(call.Call is Sleep ? new Sleep(call.TimeLeft ?? TimeSpan.Zero) : call.Call);
    }

    /// <summary>The state the process arrives with: one more hop, on the target, and how it was (stopped, reading, running).</summary>
    public static ProcessState Departing(ProcessState state, NodeNumber target, bool stopped, bool reading) => state with
    {
        Node = target,
        Hop = state.Hop + 1,
        State = stopped ? RunState.Stopped : reading ? RunState.Sleeping : RunState.Running,
    };

    /// <summary>The state once arrived here, and who must hear of it: its parent and its living children, so the loss of this node is noticed.</summary>
    public static (ProcessState State, IReadOnlyList<IWithPid> Tell) Arrived(ProcessState state, NodeNumber here, DateTimeOffset now)
    {
        var arrived = state with { Node = here, ArrivedAt = now };
        var tell = new List<IWithPid>();
        if (!arrived.Parent.IsInit) tell.Add(new ChildMoved(arrived.Parent, arrived.Pid, here));
        tell.AddRange(arrived.Children.Where(c => c.Value.Status is null).Select(c => new ParentMoved(c.Key, here)));
        return (arrived, tell);
    }

    /// <summary>A child now runs elsewhere: a living child's record follows it; an exited one keeps its status.</summary>
    public static ProcessState ChildMoved(ProcessState state, Pid child, NodeNumber node) =>
        state.Children.TryGetValue(child, out var record) && record.Status is null
            ? state with { Children = state.Children.SetItem(child, record with { Node = node }) }
            : state;

    /// <summary>Pinning (or unpinning): by its user or root, not once it has exited.</summary>
    public static (ProcessState State, object Reply) Pin(ProcessState state, PinProcess pin)
    {
        var pid = state.Pid;
        if (state.State == RunState.Zombie) return (state, new Failed(Errno.ESRCH, $"process {pid} has exited"));
        if (pin.RequesterUid != 0 && pin.RequesterUid != state.Credentials.Uid) return (state, new Failed(Errno.EPERM, $"process {pid} belongs to another user"));
        return (state with { Pinned = pin.Pinned }, new PinSet(pid, pin.Pinned));
    }
}
