// What the core decides for one system call: the process's next state, the result or what to wait for, and what to send.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>The actors of its node a process talks to; the entity maps each to its reference.</summary>
public enum Destination
{
    /// <summary>The node's file-system service (/user/fs).</summary>
    FileSystem,
    /// <summary>The shard region of every process, by PID.</summary>
    Processes,
    /// <summary>The node's process service: creation, group signals, listings.</summary>
    ProcessService,
    /// <summary>The shard region of FIFOs' pipes, by inode.</summary>
    Fifos,
}

/// <summary>A message the entity sends and forgets (a description released, a zombie reaped, a mode set).</summary>
public abstract record Effect;

public sealed record Send(Destination To, object Message) : Effect;

/// <summary>A message to a device (a terminal), which lives on its own node.</summary>
public sealed record SendToDevice(IActorRef Device, object Message) : Effect;

/// <summary>What ps shows of the process changed: the node's index hears of it.</summary>
public sealed record PublishInfo : Effect
{
    public static readonly PublishInfo Instance = new();
}

/// <summary>exec succeeded: a fresh image of <see cref="Program"/> replaces the program, with these arguments.</summary>
public sealed record StartImage(Program Program, string[] Args) : Effect;

/// <summary>What a call waits for before the program may go on; the entity starts it and feeds its reply to the core.</summary>
public abstract record Pending;

/// <summary>A request whose reply <see cref="Then"/> turns into the result.</summary>
public sealed record AskFor(Destination To, object Request, Then Then) : Pending;

/// <summary>A request to a device whose reply <see cref="Then"/> turns into the result.</summary>
public sealed record AskDevice(IActorRef Device, object Request, Then Then) : Pending;

/// <summary>
/// exec: the program file is loaded (stat, x permission, its first line, a #! script's interpreter); then
/// <see cref="OnExecLoaded"/>. <see cref="Environment"/> is the new program's (null: the process keeps its own).
/// </summary>
/// <param name="Given">The path as execve was given it (a script's name in its interpreter's argv); null: <see cref="Path"/>.</param>
public sealed record LoadProgram(string Path, string[] Args, ImmutableDictionary<string, string>? Environment = null, string? Given = null) : Pending;

/// <summary>
/// fork: the descriptions in <see cref="Shared"/> gain a reference each, then <see cref="Node"/> creates the child from
/// <see cref="Template"/> and a snapshot of the program taken with 0 as fork's result; then <see cref="ForkDone"/>.
/// </summary>
/// <param name="Shared">The open file descriptions the child shares, each to gain a reference first.</param>
/// <param name="Pipes">The pipe ends the child shares, one reference each per descriptor.</param>
public sealed record CreateChild(NodeNumber Node, ProcessState Template, ImmutableArray<long> Shared, ImmutableArray<PipeHandle> Pipes) : Pending;

/// <summary>wait and pause: the call ends when something happens to the process (a child exits, a signal).</summary>
public sealed record Block : Pending
{
    public static readonly Block Instance = new();
}

/// <summary>nanosleep: the call ends when <see cref="Duration"/> is over, or with EINTR.</summary>
public sealed record SleepFor(TimeSpan Duration) : Pending;

/// <summary>A read of a terminal or a pipe: the answer comes by PID, wherever the process is then; a timeout cancels it.</summary>
public sealed record ReadDevice(DeviceHandle Device, Read Call) : Pending;

/// <summary>open(2) of a FIFO's end at its pipe: it waits for the other end (unless non-blocking).</summary>
public sealed record OpenPipeEnd(PipeHandle End, bool NonBlocking) : Pending;

/// <summary>A write to a pipe: it waits for room (or for the last reader to go).</summary>
public sealed record WritePipe(PipeHandle Pipe, Write Call) : Pending;

/// <summary>The process moves to <see cref="Node"/> and continues there with <see cref="Result"/>, or makes <see cref="Then"/> there.</summary>
public sealed record MoveSelf(NodeNumber Node, SystemCall? Then, SysResult Result) : Pending;

/// <summary>exit: the process ends with this wait status.</summary>
public sealed record EndProcess(int Status) : Pending;

/// <summary>
/// The core's answer to a system call or to the reply it waited for. <see cref="Result"/> set: the program goes on
/// with it. <see cref="Waiting"/> set: the call waits for that first. Neither: the call replaced the program (exec).
/// </summary>
public sealed record CallDecision(ProcessState State, SysResult? Result, Pending? Waiting, ImmutableArray<Effect> Effects)
{
    public static CallDecision Done(ProcessState state, SysResult result, params Effect[] effects) => new(state, result, null, [.. effects]);

    public static CallDecision Fail(ProcessState state, Actors.Errors.Errno errno) => new(state, SysResult.Fail(errno), null, []);

    public static CallDecision Wait(ProcessState state, Pending pending, params Effect[] effects) => new(state, null, pending, [.. effects]);

    public static CallDecision Replaced(ProcessState state, params Effect[] effects) => new(state, null, null, [.. effects]);
}

/// <summary>What the core knows of the node a process runs on, at the moment of a call.</summary>
/// <param name="UpNodes">The nodes that are up and reachable, in order (asked only by listnodes).</param>
/// <param name="DeviceGone">True for a device (terminal, pipe) whose node has left the cluster; none by default.</param>
public sealed record CallWorld(NodeNumber Node, DateTimeOffset Now, Func<IEnumerable<NodeNumber>> UpNodes, Func<IActorRef, bool>? DeviceGone = null)
{
    public bool IsGone(DeviceHandle device) => DeviceGone?.Invoke(device.Device) ?? false;
}
