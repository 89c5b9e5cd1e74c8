// Where this node stands when its Split Brain Resolver asks for the lease: whether a refusal may be answered at once.
using System.Collections.Immutable;
using System.Reflection;
using Akka.Cluster;

namespace Ssi.Cfs.Leases;

/// <summary>
/// A resolver refused the lease reverses its decision: for "down the indirectly connected" that downs them and every
/// member it reaches. When the refused resolver runs on an end of a broken link (indirectly connected itself), the
/// member reaching both ends would go down with it, though that member's own resolver is about to down both ends and
/// keep serving. So such a node does not answer no at once (<see cref="IndirectlyConnected"/>), and a node already
/// downed never answers no (<see cref="Downed"/>): its reversal could only take others with it.
/// </summary>
public enum ResolverStanding
{
    /// <summary>A member like any other: a rival that renews is a refusal at once.</summary>
    Member,

    /// <summary>This node both sees a member unreachable and is seen unreachable: wait until the acquire's deadline.</summary>
    IndirectlyConnected,

    /// <summary>This node is down or removed: wait until it stops.</summary>
    Downed,
}

/// <summary>Reads a node's standing from its cluster extension.</summary>
public static class ResolverStandings
{
    // Akka.NET publishes the full reachability (who observes whom) only internally: the cluster's read view keeps the
    // latest. Read by reflection; if a later Akka renames it, every node counts as a Member, the behaviour before.
    private static readonly PropertyInfo? ReadView = typeof(Cluster).GetProperty("ReadView", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Whether the reachability records can be read in this version of Akka.NET (a spec checks it).</summary>
    public static bool CanReadReachability(Cluster cluster) => Reachability(cluster) is not null;

    public static ResolverStanding Of(Cluster cluster)
    {
        if (cluster.IsTerminated || cluster.SelfMember.Status is MemberStatus.Down or MemberStatus.Removed)
            return ResolverStanding.Downed;
        if (Reachability(cluster) is not { } reachability) return ResolverStanding.Member;
        var self = cluster.SelfUniqueAddress;
        return reachability.Observers.Contains(self) && reachability.Unreachable.Contains(self)
            ? ResolverStanding.IndirectlyConnected : ResolverStanding.Member;
    }

    private static (ImmutableHashSet<UniqueAddress> Observers, ImmutableHashSet<UniqueAddress> Unreachable)? Reachability(Cluster cluster)
    {
        var view = ReadView?.GetValue(cluster);
        var reachability = view?.GetType().GetProperty("Reachability", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(view);
        if (reachability is null) return null;
        var type = reachability.GetType();
        return type.GetProperty("AllObservers")?.GetValue(reachability) is ImmutableHashSet<UniqueAddress> observers
            && type.GetProperty("AllUnreachableOrTerminated")?.GetValue(reachability) is ImmutableHashSet<UniqueAddress> unreachable
            ? (observers, unreachable) : null;
    }
}
