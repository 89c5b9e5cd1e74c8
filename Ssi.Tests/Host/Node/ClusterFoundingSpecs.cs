// Multi-node specs of founding: a node whose own address is its first seed founds a cluster only when none runs.
using System.Diagnostics;
using Akka.Cluster;
using Akka.Configuration;
using Ssi.Cfs.Leases;
using Ssi.Cfs.Service;
using Ssi.Host.Node;
using Ssi.Tests.Harness;
using Xunit.Abstractions;

namespace Ssi.Tests.Host.Node;

public sealed class ClusterFoundingSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RecordTtl = TimeSpan.FromSeconds(4);

    // Rows renewed twice a second for 4 s: long enough to tell "waited for them to expire" from "did not look".
    private static readonly Config Records = ConfigurationFactory.ParseString($"""
        ssi.cluster.member-records.interval = 500 ms
        ssi.cluster.member-records.ttl = {RecordTtl.TotalSeconds} s
        """);

    private static LeaseTable OpenTable(ClusterHarness cluster) =>
        CfsSettings.Create(NodeHost.ComposeConfig(Config.Empty, []), cluster.Home).OpenLeaseTable(TimeSpan.FromSeconds(5));

    private static bool UpWith(NodeHost node, params string[] roles) =>
        node.Cluster.State.Members.Any(m => m.UniqueAddress.Equals(node.Cluster.SelfUniqueAddress) && m.Status == MemberStatus.Up)
        && roles.All(r => node.Cluster.State.Members.Any(m => m.HasRole(r) && m.Status == MemberStatus.Up));

    private static bool SeesUp(NodeHost observer, NodeHost target) =>
        observer.Cluster.State.Members.Any(m => m.UniqueAddress.Equals(target.Cluster.SelfUniqueAddress) && m.Status == MemberStatus.Up);

    /// <summary>
    /// Akka's first seed joins itself when its other seeds do not answer in seed-node-timeout (2 s). Started again with
    /// a seed list whose other entry is dead, it founded a cluster of its own beside the running one, on the same store.
    /// </summary>
    [Fact]
    public async Task A_first_seed_started_again_joins_the_members_the_store_records_instead_of_founding_a_second_cluster()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, Records);
        using var table = OpenTable(cluster);
        await cluster.AwaitAsync(() => table.LiveMembers().Count == 3, Timeout, "the three members recorded live");
        await cluster.CrashAsync(1);

        var port = ClusterHarness.FreePortBelowEphemeral();
        var deadSeed = ClusterHarness.FreePortBelowEphemeral(); // nobody listens there
        var again = cluster.StartNode(1, port: port, seeds: [$"127.0.0.1:{port}", $"127.0.0.1:{deadSeed}"]);

        await cluster.AwaitAsync(() => UpWith(again, "node-2", "node-3"), Timeout,
            () => $"node 1 joining nodes 2 and 3 (it sees {string.Join(", ", again.Cluster.State.Members.Select(m => $"{m.Address.Port} {m.Status}"))})");
        await cluster.AwaitAsync(() => SeesUp(cluster[2], again) && SeesUp(cluster[3], again), Timeout, "nodes 2 and 3 seeing the new node 1 up");
        Assert.Equal(3, again.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up));
    }

    [Fact]
    public async Task After_every_node_crashed_a_first_seed_founds_the_cluster_only_once_their_records_have_expired()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, Records);
        using var table = OpenTable(cluster);
        await cluster.AwaitAsync(() => table.LiveMembers().Count == 3, Timeout, "the three members recorded live");
        var crashed = table.LiveMembers();
        Assert.Equal(3, crashed.Count);
        var hosts = new[] { 1, 2, 3 }.Select(n => cluster[n]).ToList();
        await Task.WhenAll(new[] { 1, 2, 3 }.Select(cluster.CrashAsync));
        // An in-process crash still runs the cluster's coordinated shutdown (Akka's ClusterDaemon does as it stops),
        // which deletes the rows; a SIGKILLed node leaves its row to expire. So once those shutdowns are over, the rows
        // are written back as the crashed nodes left them.
        await Task.WhenAll(hosts.Select(h => Akka.Actor.CoordinatedShutdown.Get(h.System).Run(Akka.Actor.CoordinatedShutdown.UnknownReason.Instance))).WaitAsync(Timeout);
        foreach (var m in crashed) table.RecordMember(m.Member, m.Address, RecordTtl);
        var sinceCrash = Stopwatch.StartNew();
        var lastExpiry = table.LiveMembers().Max(m => m.ExpiresIn);

        var port = ClusterHarness.FreePortBelowEphemeral();
        var founder = cluster.StartNode(1, port: port, seeds: [$"127.0.0.1:{port}"]);

        await cluster.AwaitAsync(() => UpWith(founder), Timeout, "node 1 founding a cluster");
        output.WriteLine($"founded {sinceCrash.Elapsed.TotalSeconds:0.00} s after the crash; the last crashed member's row had {lastExpiry.TotalSeconds:0.00} s left");
        // Not before the rows expired (less the polling's granularity); Akka alone founds at once.
        Assert.True(sinceCrash.Elapsed >= lastExpiry - TimeSpan.FromMilliseconds(100),
            $"founded {sinceCrash.Elapsed} after the crash, while a crashed member's row had {lastExpiry} left");
        await cluster.AwaitAsync(() => table.LiveMembers().Any(m => m.Member == LeaseFences.MemberName(founder.Cluster.SelfUniqueAddress)), Timeout,
            "the founder recording itself live");
    }

    [Fact]
    public async Task A_node_that_leaves_in_order_deletes_its_row_at_once()
    {
        await using var cluster = await ClusterHarness.StartAsync(2, Records);
        using var table = OpenTable(cluster);
        await cluster.AwaitAsync(() => table.LiveMembers().Count == 2, Timeout, "the two members recorded live");
        var leaving = LeaseFences.MemberName(cluster[2].Cluster.SelfUniqueAddress);

        await Akka.Actor.CoordinatedShutdown.Get(cluster[2].System).Run(Akka.Actor.CoordinatedShutdown.ClusterLeavingReason.Instance);

        // Deleted by its shutdown, well before its time to live would have expired it.
        var row = table.LiveMembers().SingleOrDefault(m => m.Member == leaving);
        Assert.True(row is null, $"the row of the node that left is still live ({row?.ExpiresIn} left)");
        Assert.Single(table.LiveMembers());
    }
}
