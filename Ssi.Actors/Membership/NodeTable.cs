// Pure state of the node monitor: node number -> state of its current incarnation, built from cluster observations.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Ssi.Actors.Identity;

namespace Ssi.Actors.Membership;

/// <summary>One cluster fact about one member incarnation, as the monitor receives it.</summary>
public sealed record MemberObservation(NodeNumber Node, UniqueAddress Incarnation, MemberStatus Status);

public sealed record NodeEntry(UniqueAddress Incarnation, NodeState State, bool Reachable, DateTimeOffset? UpSince);

public sealed record NodeTable(ImmutableSortedDictionary<NodeNumber, NodeEntry> Nodes, int UnreachableEvents, int DownEvents)
{
    public static readonly NodeTable Empty = new(ImmutableSortedDictionary.Create<NodeNumber, NodeEntry>(NodeNumberComparer.Instance), 0, 0);

    public NodeState StateOf(NodeNumber node) => Nodes.TryGetValue(node, out var e) ? e.State : NodeState.NEVERUP;

    public static NodeState Map(MemberStatus status) => status switch
    {
        MemberStatus.Joining or MemberStatus.WeaklyUp => NodeState.COMINGUP,
        MemberStatus.Up => NodeState.UP,
        MemberStatus.Leaving or MemberStatus.Exiting => NodeState.GOINGDOWN,
        _ => NodeState.DOWN, // Down, Removed
    };

    /// <summary>
    /// Applies a status observation. An observation of an older incarnation than the one recorded is stale and ignored;
    /// a different incarnation that is alive replaces a DOWN one (the node came back) and starts again from COMINGUP.
    /// </summary>
    public (NodeTable Table, NodeStateChanged? Changed) Apply(MemberObservation o, DateTimeOffset now)
    {
        var next = Map(o.Status);
        if (Nodes.TryGetValue(o.Node, out var current))
        {
            if (!current.Incarnation.Equals(o.Incarnation))
            {
                // Only a live new incarnation may take over, and only from a node already known to be gone or leaving.
                if (next == NodeState.DOWN || current.State is NodeState.UP or NodeState.COMINGUP && current.Reachable)
                    return (this, null);
                current = current with { Incarnation = o.Incarnation, Reachable = true, UpSince = null };
            }
            else if (current.State == NodeState.DOWN)
            {
                return (this, null); // down is final for an incarnation
            }
            if (current.State == next) return (this with { Nodes = Nodes.SetItem(o.Node, current) }, null);
        }
        var previous = current?.State ?? NodeState.NEVERUP;
        var entry = new NodeEntry(o.Incarnation, next, current?.Reachable ?? true,
            next == NodeState.UP ? current?.UpSince ?? now : next == NodeState.GOINGDOWN ? current?.UpSince : null);
        if (next == NodeState.DOWN) entry = entry with { Reachable = false };
        var table = this with
        {
            Nodes = Nodes.SetItem(o.Node, entry),
            DownEvents = DownEvents + (next == NodeState.DOWN ? 1 : 0),
        };
        return (table, new NodeStateChanged(o.Node, previous, next, o.Incarnation.Address.ToString()));
    }

    /// <summary>Records the failure detector's verdict on the current incarnation; stale incarnations are ignored.</summary>
    public (NodeTable Table, NodeReachabilityChanged? Changed) SetReachable(NodeNumber node, UniqueAddress incarnation, bool reachable)
    {
        if (!Nodes.TryGetValue(node, out var e) || !e.Incarnation.Equals(incarnation) || e.Reachable == reachable || e.State == NodeState.DOWN)
            return (this, null);
        var table = this with
        {
            Nodes = Nodes.SetItem(node, e with { Reachable = reachable }),
            UnreachableEvents = UnreachableEvents + (reachable ? 0 : 1),
        };
        return (table, new NodeReachabilityChanged(node, reachable, incarnation.Address.ToString()));
    }

    public ImmutableArray<NodeInfo> ToInfos() =>
        [.. Nodes.Select(kv => new NodeInfo(kv.Key, kv.Value.Incarnation.Address.ToString(), kv.Value.State, kv.Value.Reachable, kv.Value.UpSince))];

    private sealed class NodeNumberComparer : IComparer<NodeNumber>
    {
        public static readonly NodeNumberComparer Instance = new();
        public int Compare(NodeNumber x, NodeNumber y) => x.Value.CompareTo(y.Value);
    }
}
