// Messages to process entities (routed by PID) and their replies.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Sharding;

namespace Ssi.Vproc.ProcessTable;

/// <summary>A message for the entity of one process; sharding routes it by <see cref="Pid"/>.</summary>
public interface IWithPid : IShardedMessage
{
    Pid Pid { get; }
    long IShardedMessage.EntityKey => Pid.Value;
}

/// <summary>
/// A device's answer to a call of the process (a terminal's data for its read), routed by PID like a signal, so it
/// reaches the process even if it moved while the call waited.
/// </summary>
public sealed record DeviceReply(Pid Pid, ISsiMessage Reply) : IWithPid;

/// <summary>
/// Gives life to the entity of a new PID: its state, and the program as a snapshot (fork) or as a program to exec
/// (a new process from the CLI or rfork's exec). <see cref="ExitWatcher"/> is told <see cref="ProcessExited"/>.
/// The reply is <see cref="Spawned"/>.
/// </summary>
public sealed record Spawn(Pid Pid, ProcessState State, byte[]? Snapshot, string? ExecPath, string[] ExecArgs, IActorRef? ExitWatcher) : IWithPid;

public sealed record Spawned(Pid Pid) : ISsiMessage;

/// <summary>kill(2) of one process by <see cref="SenderPid"/> running as <see cref="SenderUid"/>; the reply is <see cref="SignalSent"/> or a Failed (ESRCH, EPERM).</summary>
public sealed record SignalProcess(Pid Pid, int Signal, int SenderUid, Pid SenderPid) : IWithPid;

public sealed record SignalSent(Pid Pid) : ISsiMessage;

/// <summary>A child's exit, told to its parent until the parent notes it (<see cref="ChildExitNoted"/>), or answers ESRCH.</summary>
/// <param name="Pgid">The child's process group when it exited, for waits on a group.</param>
public sealed record ChildExited(Pid Pid, Pid Child, int Status, Pid? Pgid = null) : IWithPid;

/// <summary>
/// A living child's job-control state, told to its parent once (not repeated, like Linux's CLD_STOPPED): its process
/// group now, and a stop or continue for wait's WUNTRACED or WCONTINUED to report (a wait status; null when only the
/// group changed).
/// </summary>
public sealed record ChildStateChanged(Pid Pid, Pid Child, Pid Pgid, int? Report) : IWithPid;

public sealed record ChildExitNoted(Pid Child) : ISsiMessage;

/// <summary>The process's parent is gone: its new parent is init.</summary>
public sealed record Reparent(Pid Pid, Pid NewParent) : IWithPid;

/// <summary>The parent collected the zombie's status (or init did): the entity goes away and its PID is free.</summary>
public sealed record Reap(Pid Pid) : IWithPid;

/// <summary>ps, /proc and where_pid of one process; the reply is a <see cref="ProcessInfo"/> or ESRCH.</summary>
public sealed record GetProcessInfo(Pid Pid) : IWithPid;

/// <summary>setpgid(2) of a child by its parent (<see cref="CallerSid"/> must be the child's session).</summary>
public sealed record SetProcessGroup(Pid Pid, Pid Pgid, Pid CallerPid, Pid CallerSid) : IWithPid;

public sealed record ProcessGroupSet(Pid Pid, Pid Pgid) : ISsiMessage;

/// <summary>To an exit watcher (a terminal of <c>ssi run</c>): the process exited with this wait status.</summary>
public sealed record ProcessExited(Pid Pid, int Status) : ISsiMessage;

/// <summary>From the node's process index to its local entities: every process on this node is gone.</summary>
/// <param name="At">The lost node's address: devices and pipes that lived there are gone with it.</param>
public sealed record NodeLost(NodeNumber Node, Akka.Actor.Address? At = null) : ISsiMessage;
