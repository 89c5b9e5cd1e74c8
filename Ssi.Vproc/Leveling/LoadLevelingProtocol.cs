// Messages of load leveling: the reports nodes exchange, the switch, and what ssi loadlevel and ssi cluster show.
using System.Collections.Immutable;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Permissions;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Vproc.Leveling;

/// <summary>
/// What a node tells every other node each interval. <see cref="Runnable"/> is the number of its processes in state R
/// when sampled, <see cref="Load"/> its decaying average over about 5 s (as Unix's load average), <see cref="Cpu"/> the
/// CPU its processes used, in cores, averaged the same way.
/// </summary>
public sealed record LoadReport(NodeNumber Node, bool Enabled, int Runnable, double Load, double Cpu, long Sequence) : ISsiMessage;

/// <summary>Turns load leveling on or off on the node that receives it; the reply is its <see cref="NodeLoad"/>.</summary>
public sealed record SetLoadLeveling(bool Enabled) : ISsiMessage;

/// <summary>One node's row: what it last reported, and how long ago (in seconds) that was heard.</summary>
public sealed record NodeLoad(NodeNumber Node, bool Enabled, int Runnable, double Load, double Cpu, double AgeSeconds) : ISsiMessage;

/// <summary>
/// <c>ssi loadlevel</c> and <c>ssi cluster</c>: with <see cref="Enabled"/> set, turns leveling on or off on
/// <see cref="Node"/> (null: every node that is up), as <see cref="Who"/> (root only); the reply is the table after it.
/// </summary>
public sealed record LoadLevelRequest(Credentials Who, NodeNumber? Node, bool? Enabled) : IProcessClientRequest
{
    Credentials? IProcessClientRequest.Caller => Who;
}

public sealed record LoadTable(NodeNumber ObservedBy, ImmutableArray<NodeLoad> Nodes) : ISsiMessage;

/// <summary>Published on a node's event stream after each of its rounds (specs and benchmarks watch it).</summary>
public sealed record LoadLevelRound(NodeNumber Node, long Round, ImmutableDictionary<NodeNumber, int> Runnable, ImmutableArray<LoadMove> Moves);

public sealed record LoadMove(Pid Pid, NodeNumber From, NodeNumber To);
