// Messages that move a process between nodes and keep every message to it in order while it moves.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.Migration;

/// <summary>
/// A message for the process's entity on a given node, whatever its PID says. Used between the places a process has
/// been: the node it leaves sends its state and the messages it held this way. <see cref="Relayed"/> marks messages
/// sent to the process before it arrived, which it handles before any sent to it directly.
/// </summary>
public sealed record AtNode(NodeNumber Node, IWithPid Message, bool Relayed = false) : ISsiMessage;

/// <summary>What an entity receives for an <see cref="AtNode"/> with <see cref="AtNode.Relayed"/> set.</summary>
public sealed record RelayedMessage(IWithPid Message);

/// <summary><c>ssi migrate</c>, /proc/PID/goto and the migrate call: move to <see cref="Node"/>; the reply is <see cref="Migrated"/>.</summary>
public sealed record MigrateProcess(Pid Pid, NodeNumber Node, int RequesterUid) : IWithPid
{
    /// <summary>Asks for the <see cref="MoveTrace"/> of the move in the reply (diagnostics: ssi bench migrate sets it).</summary>
    public bool Trace { get; init; }
}

/// <param name="Trace">When each step of the move happened, if <see cref="MigrateProcess.Trace"/> asked for it.</param>
public sealed record Migrated(Pid Pid, NodeNumber Node, MoveTrace? Trace = null) : ISsiMessage;

/// <summary>
/// The product's one timing hook of a move: when each step happened, in <see cref="System.Diagnostics.Stopwatch"/>
/// ticks (the monotonic clock, which every process on one machine shares, so the steps on two nodes line up there):
/// the old place got the request, started to leave (after the call in flight ended), told the target; the target got
/// the state and had restored it; the old place heard back. What the steps mean is the benchmark's business.
/// </summary>
public sealed record MoveTrace(long Asked, long Leaving, long Offered, long TargetGot, long TargetReady, long Confirmed);

/// <summary>
/// The process's whole state, to the node it moves to: it waits there, holding messages, until
/// <see cref="HandoffDone"/> (or <see cref="AbortArrival"/>). The reply is <see cref="ReadyToArrive"/>.
/// </summary>
public sealed record Arrive(Pid Pid, ProcessState State, byte[] Snapshot, SystemCall? Reissue, bool Stopped, IActorRef? ExitWatcher) : IWithPid
{
    /// <summary>A terminal read that goes on waiting at its device: its answer follows the PID to the new place.</summary>
    public PendingTerminalRead? Reading { get; init; }

    /// <summary>The last call id used, so that ids made on the new place never match an answer still on its way.</summary>
    public long CallIds { get; init; }
}

/// <summary>A terminal read in flight: its id, the call, and how long it may still wait (null: no timeout).</summary>
public sealed record PendingTerminalRead(long CallId, Read Call, TimeSpan? TimeLeft);

/// <summary>The target holds the process's <see cref="Hop"/>th move, ready to run it; sent to the entity that offered it.</summary>
public sealed record ReadyToArrive(Pid Pid, long Hop, long GotAt = 0, long ReadyAt = 0) : ISsiMessage;

/// <summary>The target cannot take the process (its program cannot be restored there, or it runs there already).</summary>
public sealed record ArrivalRefused(Pid Pid, long Hop, Failed Why) : ISsiMessage;

/// <summary>The node left kept the process after all (the arrival was not confirmed in time).</summary>
public sealed record AbortArrival(Pid Pid) : IWithPid;

/// <summary>Every message the old place held has been relayed: the process runs here now.</summary>
public sealed record HandoffDone(Pid Pid) : IWithPid;

/// <summary>To the process's origin: it now runs on <see cref="Node"/> (its <see cref="Hop"/>th move).</summary>
public sealed record MovedTo(Pid Pid, NodeNumber Node, long Hop) : IWithPid;

/// <summary>
/// From the origin along its old route: once it comes back (<see cref="FlushDone"/>), nothing the origin sent that
/// way is still in flight, so the origin may send straight to the new place without overtaking anything.
/// </summary>
public sealed record Flush(Pid Pid, long Hop) : IWithPid;

public sealed record FlushDone(Pid Pid, long Hop) : IWithPid;

/// <summary>
/// A forwarder is on no route any more: to the origin when the process is gone elsewhere, and from the origin to the
/// other nodes the process was on (when the process is gone), or to a node it no longer routes through.
/// </summary>
public sealed record Retire(Pid Pid) : IWithPid;

/// <summary>To a parent: its child now runs on another node (so the loss of that node is noticed).</summary>
public sealed record ChildMoved(Pid Pid, Pid Child, NodeNumber Node) : IWithPid;

/// <summary>To a child: its parent now runs on another node.</summary>
public sealed record ParentMoved(Pid Pid, NodeNumber Node) : IWithPid;

/// <summary>To a process's origin, from the process: it runs on <see cref="Node"/> (after the origin's node was lost).</summary>
public sealed record Relocated(Pid Pid, NodeNumber Node, long Hop) : IWithPid;

/// <summary>The origin's route (or its stand-in) has taken a <see cref="Relocated"/>: the process stops repeating it.</summary>
public sealed record RelocationNoted(Pid Pid, long Hop) : ISsiMessage;

/// <summary>Pins a process to its node (or unpins it); the reply is <see cref="PinSet"/>.</summary>
public sealed record PinProcess(Pid Pid, bool Pinned, int RequesterUid) : IWithPid;

public sealed record PinSet(Pid Pid, bool Pinned) : ISsiMessage;
