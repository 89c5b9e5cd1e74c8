// Messages of the node monitor: the events it publishes and the queries it answers.
using System.Collections.Immutable;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Actors.Membership;

/// <summary>What one node knows of another node's current incarnation.</summary>
public sealed record NodeInfo(
    NodeNumber Node,
    string Address,
    NodeState State,
    bool Reachable,
    DateTimeOffset? UpSince) : ISsiMessage;

/// <summary>Published on the local event stream whenever a node changes state; modules subscribe to it.</summary>
public sealed record NodeStateChanged(NodeNumber Node, NodeState Previous, NodeState Current, string Address) : ISsiMessage;

/// <summary>Published on the local event stream when a node's reachability flips (the failure detector's verdict).</summary>
public sealed record NodeReachabilityChanged(NodeNumber Node, bool Reachable, string Address) : ISsiMessage;

/// <summary>Asks the local node monitor for its view of every node it has seen.</summary>
public sealed record GetNodeTable : ISsiMessage
{
    public static readonly GetNodeTable Instance = new();
}

/// <summary>One node's view: every node it has seen, plus counters that show failure-detector noise.</summary>
public sealed record NodeTableView(
    NodeNumber ObservedBy,
    ImmutableArray<NodeInfo> Nodes,
    int UnreachableEvents,
    int DownEvents) : ISsiMessage;
