// Messages to a node's process service (/user/proc) and its process index, and their replies.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Permissions;

namespace Ssi.Vproc.ProcessTable;

/// <summary>Creates a process on the node that receives it (PID allocated there); the reply is <see cref="ProcessCreated"/>.</summary>
public sealed record CreateProcess(ProcessState Template, byte[]? Snapshot, string? ExecPath, string[] ExecArgs, IActorRef? ExitWatcher) : ISsiMessage
{
    /// <summary>
    /// Names the request, so that it can be asked again when its answer was lost (a fork across a partition): the
    /// node answers a repeat with the first one's answer and never makes a second process.
    /// </summary>
    public Guid? Request { get; init; }
}

public sealed record ProcessCreated(Pid Pid, NodeNumber Node) : ISsiMessage;

/// <summary>
/// Loads the program assembly stored at <see cref="Path"/> on the node that receives it, as exec would: a fork whose
/// program came from it can then be restored there. The reply is <see cref="ProgramAssemblyLoaded"/> or a Failed.
/// </summary>
public sealed record LoadProgramAssembly(string Path) : ISsiMessage;

public sealed record ProgramAssemblyLoaded(string Path) : ISsiMessage;

/// <summary>kill(2) of a process group, or of every process (<see cref="Group"/> null), across the cluster.</summary>
public sealed record KillGroup(Pid? Group, int Signal, int SenderUid, Pid SenderPid) : ISsiMessage;

/// <summary>The same, for the processes of the node that receives it.</summary>
public sealed record SignalLocalGroup(Pid? Group, int Signal, int SenderUid, Pid SenderPid) : ISsiMessage;

public sealed record GroupSignalled(int Delivered, int Denied) : ISsiMessage;

/// <summary>Every process of the cluster, gathered from every node.</summary>
public sealed record ListCluster : ISsiMessage;

public sealed record ProcessList(ImmutableArray<ProcessInfo> Processes) : ISsiMessage;

/// <summary>Which of these processes run on the node that receives it; the reply is <see cref="HostedHere"/>.</summary>
public sealed record HostsAny(Pid[] Pids) : ISsiMessage;

public sealed record HostedHere(Pid[] Pids) : ISsiMessage;

/// <summary>A page of the processes a node hosts, in PID order after <see cref="AfterPid"/>.</summary>
public sealed record ListLocal(Pid AfterPid, int Limit) : ISsiMessage;

public sealed record ProcessPage(ImmutableArray<ProcessInfo> Processes, bool More) : ISsiMessage;

// ---- from clients (through a node's gateway) ----

/// <summary>A request of the CLI to the process layer.</summary>
public interface IProcessClientRequest : ISsiMessage
{
    /// <summary>Whom the request acts as; null for a query any user may make (ps, where).</summary>
    Credentials? Caller => null;
}

/// <summary>
/// <c>ssi run</c>: start <see cref="Path"/> (a bare name is looked up in /bin) on <see cref="Node"/> (null: the contact node) as a new session,
/// with descriptors 0, 1 and 2 on a new terminal of the contact node attached to <see cref="Client"/>. Each of them is
/// a terminal only if the client's own stream is one (<see cref="HostStreams"/>; null: all three are).
/// </summary>
public sealed record RunProgram(Credentials Who, NodeNumber? Node, string Path, string[] Args, ImmutableDictionary<string, string> Environment, string Cwd, IActorRef Client, bool Pinned = false,
    HostStreams? Streams = null) : IProcessClientRequest
{
    Credentials? IProcessClientRequest.Caller => Who;
}

/// <summary>Which of the client's stdin, stdout and stderr are terminals on its host (isatty there); the others are pipes or files.</summary>
public sealed record HostStreams(bool StdinIsTerminal, bool StdoutIsTerminal, bool StderrIsTerminal)
{
    public static readonly HostStreams AllTerminals = new(true, true, true);
}

public sealed record ProgramStarted(Pid Pid, NodeNumber Node, IActorRef Terminal) : ISsiMessage;

/// <summary><c>ssi kill</c>: a PID, or -PGID for a group, as <see cref="Who"/>.</summary>
public sealed record KillRequest(Credentials Who, int Target, int Signal) : IProcessClientRequest
{
    Credentials? IProcessClientRequest.Caller => Who;
}

public sealed record KillDone(int Target, int Signal) : ISsiMessage;

/// <summary><c>ssi where</c> and ps of one process.</summary>
public sealed record ProcessQuery(Pid Pid) : IProcessClientRequest;

/// <summary>Did process <see cref="Pid"/> die with a node? Answered as <see cref="Ssi.Cfs.Pipes.WhichAreGone"/> is, with <see cref="Ssi.Cfs.Pipes.ProcessesGone"/>.</summary>
public sealed record ProcessLostQuery(Pid Pid) : IProcessClientRequest;

/// <summary><c>ssi ps</c>: one page of one node's processes.</summary>
public sealed record ProcessListQuery(Pid AfterPid, int Limit) : IProcessClientRequest;

/// <summary><c>ssi migrate PID NODE</c> as <see cref="Who"/>.</summary>
public sealed record MigrateRequest(Credentials Who, Pid Pid, NodeNumber Node) : IProcessClientRequest
{
    Credentials? IProcessClientRequest.Caller => Who;
}

/// <summary><c>ssi pin PID</c> (or <c>--off</c>) as <see cref="Who"/>.</summary>
public sealed record PinRequest(Credentials Who, Pid Pid, bool Pinned) : IProcessClientRequest
{
    Credentials? IProcessClientRequest.Caller => Who;
}

/// <summary>
/// <c>ssi console N</c>: attach <see cref="Client"/> to node <see cref="Node"/>'s console (root only, as Linux's
/// console is root's). The reply is <see cref="ConsoleOpened"/>, whose <see cref="ConsoleOpened.Console"/> the client
/// talks to as to a terminal; EBUSY while another client is attached; ENXIO when the node is not up.
/// </summary>
public sealed record AttachConsole(Credentials Who, NodeNumber Node, IActorRef Client) : IProcessClientRequest
{
    Credentials? IProcessClientRequest.Caller => Who;
}

public sealed record ConsoleOpened(NodeNumber Node, IActorRef Console) : ISsiMessage;
