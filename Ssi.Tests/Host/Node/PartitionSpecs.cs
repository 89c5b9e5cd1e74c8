// Multi-node specs of network partitions: links cut by Akka.Remote's throttler between real ActorSystems over loopback,
// the lease in the shared SQLite store arbitrating which side keeps serving.
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Leases;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Host.Node;
using Ssi.Tests.Harness;
using Ssi.Tests.Vproc.ProcessTable;
using Ssi.Vproc.ProcessTable;
using Xunit.Abstractions;

namespace Ssi.Tests.Host.Node;

public sealed class PartitionSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Task<ClusterHarness> StartAsync(int nodes) =>
        ClusterHarness.StartAsync(nodes, ClusterHarness.Partitionable, prepareRoot: Ssi.Tests.Vproc.ProcessTable.SpecPrograms.Install);

    private static Task<object> CallFs(ClusterHarness cluster, int node, IFileSystemRequest request) =>
        cluster.AskFileSystemAsync(node, request, Timeout);

    private static async Task WriteAsync(ClusterHarness cluster, int node, string path, string text)
    {
        Assert.IsType<FsAttributes>(await CallFs(cluster, node, new FsCreate(Credentials.Root, path, 420)));
        Assert.IsType<FsAttributes>(await CallFs(cluster, node, new FsWrite(Credentials.Root, path, 0, Encoding.ASCII.GetBytes(text))));
    }

    private static Task AwaitReadableAsync(ClusterHarness cluster, int node, string path, string text) =>
        cluster.AwaitAsync(async () => await CallFs(cluster, node, new FsRead(Credentials.Root, path, 0, 100)) is FsData d
            && Encoding.ASCII.GetString(d.Data) == text, Timeout, $"{path} read through node {node}");

    /// <summary>
    /// The process answers through the node. Its first queries may go unanswered while the shard coordinator moves off
    /// a stopped node, so each attempt that gets no answer is tried again.
    /// </summary>
    private static Task AwaitRunningAsync(ClusterHarness cluster, int via, Pid pid) =>
        cluster.AwaitAsync(async () => await cluster.QueryOnceAsync(via, pid.Value) is ProcessInfo, Timeout, $"process {pid.Value} answering through node {via}");

    /// <summary>Each of the nodes sees every one of them Up and reachable (the harness's AllUp asks stopped nodes too).</summary>
    private static bool SeeEachOtherUp(ClusterHarness cluster, int[] nodes) =>
        nodes.All(observer => nodes.All(n => cluster[observer].Cluster.State.Members.Any(m =>
            m.Status == MemberStatus.Up && m.HasRole("node-" + n) && !cluster[observer].Cluster.State.Unreachable.Contains(m))));

    /// <summary>Waits until the nodes of one side have all stopped (their actor systems terminated).</summary>
    private static Task AwaitStoppedAsync(ClusterHarness cluster, params int[] nodes) =>
        cluster.AwaitAsync(() => nodes.All(n => cluster[n].System.WhenTerminated.IsCompleted), Timeout, () =>
            "the stop of nodes " + string.Join(", ", nodes) + "; still running: " + string.Join("; ", nodes
                .Where(n => !cluster[n].System.WhenTerminated.IsCompleted)
                .Select(n => $"node {n} (members {string.Join(" ", cluster[n].Cluster.State.Members.Select(m => $"{m.Address.Port}:{m.Status}"))}, " +
                    $"unreachable {string.Join(" ", cluster[n].Cluster.State.Unreachable.Select(m => m.Address.Port))}, " +
                    $"shutdown {CoordinatedShutdown.Get(cluster[n].System).ShutdownReason?.ToString() ?? "none"})")));

    /// <summary>The nodes of the serving side: Up in each other's view, none unreachable, none of them shutting down.</summary>
    private static void AssertServing(ClusterHarness cluster, params int[] nodes)
    {
        Assert.True(SeeEachOtherUp(cluster, nodes), "the serving side sees itself Up");
        foreach (var n in nodes)
        {
            Assert.Null(CoordinatedShutdown.Get(cluster[n].System).ShutdownReason);
            Assert.Equal(nodes.Length, cluster[n].Cluster.State.Members.Count(m => m.Status == MemberStatus.Up));
        }
    }

    /// <summary>The downing lease (the resolver's, named after the system) is held by one of the nodes.</summary>
    private static void AssertLeaseHeldBy(ClusterHarness cluster, params int[] nodes)
    {
        using var table = CfsSettings.Create(NodeHost.ComposeConfig(Akka.Configuration.Config.Empty, []), cluster.Home).OpenLeaseTable(TimeSpan.FromSeconds(5));
        var owner = table.Current("ssi-akka-sbr")?.Owner ?? "nobody";
        Assert.True(nodes.Any(n => owner.StartsWith(cluster[n].Cluster.SelfAddress.HostPort() + "#", StringComparison.Ordinal)),
            $"the lease is held by {owner}, not by one of nodes {string.Join(", ", nodes)}");
    }

    private static List<int> Children(TerminalClient client) =>
        client.Stdout.Split('\n').First(l => l.StartsWith("children ")).Split(' ').Skip(1).Select(int.Parse).ToList();

    [Fact]
    public async Task A_one_two_partition_stops_the_single_node_and_the_pair_keeps_its_processes_and_files()
    {
        await using var cluster = await StartAsync(3);
        await WriteAsync(cluster, 1, "/written-on-1", "acknowledged");
        // A parent on node 2 with two children on node 1, and a sleeper on node 3 with its terminal there.
        var (_, parent) = await cluster.RunAsync(2, 2, Credentials.Root, ["t-forkbomb", "2", "1"], Timeout);
        await cluster.AwaitAsync(() => parent.Stdout.Contains("children "), Timeout, "the children");
        var (sleeper, _) = await cluster.RunAsync(3, 3, Credentials.Root, ["sleep", "1000"], Timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await cluster.PartitionAsync([1], [2, 3]);

        await AwaitStoppedAsync(cluster, 1);
        output.WriteLine($"node 1 stopped {clock.Elapsed.TotalSeconds:0.0} s after the partition");
        await cluster.AwaitAsync(() => cluster[2].Cluster.State.Members.Count == 2 && cluster[3].Cluster.State.Members.Count == 2, Timeout, "node 1 removed");
        output.WriteLine($"node 1 removed {clock.Elapsed.TotalSeconds:0.0} s after the partition");
        AssertServing(cluster, 2, 3);
        AssertLeaseHeldBy(cluster, 2, 3);
        // The parent on the serving side reaps its children on node 1 once each, as killed.
        Assert.Equal(0, await parent.Ended.WaitAsync(Timeout));
        foreach (var child in Children(parent))
            Assert.Single(parent.Stdout.Split('\n'), l => l == $"reaped {child} status 9");
        await AwaitRunningAsync(cluster, 2, sleeper.Pid);
        await AwaitReadableAsync(cluster, 3, "/written-on-1", "acknowledged");
    }
    [Fact]
    public async Task A_two_three_partition_of_five_stops_the_pair_and_the_three_keep_serving()
    {
        await using var cluster = await StartAsync(5);
        await WriteAsync(cluster, 2, "/written-on-2", "acknowledged");
        var (sleeper, _) = await cluster.RunAsync(4, 4, Credentials.Root, ["sleep", "1000"], Timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await cluster.PartitionAsync([1, 2], [3, 4, 5]);

        await AwaitStoppedAsync(cluster, 1, 2);
        output.WriteLine($"nodes 1 and 2 stopped {clock.Elapsed.TotalSeconds:0.0} s after the partition");
        await cluster.AwaitAsync(() => new[] { 3, 4, 5 }.All(n => cluster[n].Cluster.State.Members.Count == 3), Timeout, "nodes 1 and 2 removed");
        AssertServing(cluster, 3, 4, 5);
        AssertLeaseHeldBy(cluster, 3, 4, 5);
        await AwaitRunningAsync(cluster, 5, sleeper.Pid);
        await AwaitReadableAsync(cluster, 5, "/written-on-2", "acknowledged");
    }

    /// <summary>
    /// A link breaks at the node that holds the lease from an earlier decision (found by `ssi chaos`: a node restarted
    /// after a pause could not reach the holder). Both ends are unreachable to someone, so the leader that decides is
    /// the node reaching both; refused the held lease, it reversed its decision and downed every node. It takes the lease
    /// over from a holder it reaches itself instead.
    /// </summary>
    [Fact]
    public async Task A_link_broken_at_the_lease_holder_leaves_the_node_that_reaches_both_ends_serving()
    {
        await using var cluster = await StartAsync(4);
        await WriteAsync(cluster, 1, "/before-the-cut", "acknowledged");
        await cluster.CrashAsync(4);
        await cluster.AwaitAsync(() => new[] { 1, 2, 3 }.All(n => cluster[n].Cluster.State.Members.Count == 3), Timeout, "node 4 removed");
        var holder = new[] { 1, 2, 3 }.Single(n => LeaseHolderIs(cluster, n));
        var (cutFrom, reachingBoth) = holder == 3 ? (2, 1) : (3, holder == 1 ? 2 : 1);
        output.WriteLine($"node {holder} holds the lease; its link to node {cutFrom} breaks; node {reachingBoth} reaches both");
        Assert.All(new[] { 1, 2, 3 }, n => Assert.True(ResolverStandings.CanReadReachability(cluster[n].Cluster), "Akka's reachability records cannot be read"));
        Assert.All(new[] { 1, 2, 3 }, n => Assert.Equal(ResolverStanding.Member, ResolverStandings.Of(cluster[n].Cluster)));

        await cluster.PartitionAsync([holder], [cutFrom]);

        // Each end sees the other unreachable and hears of the other's observation through the third node: both ends
        // are indirectly connected, for as long as the resolvers' stable-after at least.
        ResolverStanding Standing(int n) => cluster[n].System.WhenTerminated.IsCompleted ? ResolverStanding.Downed : ResolverStandings.Of(cluster[n].Cluster);
        await cluster.AwaitAsync(() => Standing(holder) is ResolverStanding.IndirectlyConnected || Standing(cutFrom) is ResolverStanding.IndirectlyConnected,
            Timeout, () => $"an end of the cut link indirectly connected (node {holder}: {Standing(holder)}, node {cutFrom}: {Standing(cutFrom)})");
        Assert.Equal(ResolverStanding.Member, Standing(reachingBoth));

        int[] Running() => [.. new[] { 1, 2, 3 }.Where(n => !cluster[n].System.WhenTerminated.IsCompleted)];
        await cluster.AwaitAsync(() =>
        {
            var running = Running();
            return running.Length is > 0 and < 3 && running.All(n => cluster[n].Cluster.State.Members.Count == running.Length) && SeeEachOtherUp(cluster, running);
        }, Timeout, () => $"one serving side (running: {string.Join(", ", Running())})");
        var survivors = Running();
        output.WriteLine($"serving: nodes {string.Join(", ", survivors)}");
        Assert.Contains(reachingBoth, survivors);
        Assert.False(survivors.Contains(holder) && survivors.Contains(cutFrom), "both ends of the cut link kept serving");
        AssertServing(cluster, survivors);
        await AwaitReadableAsync(cluster, reachingBoth, "/before-the-cut", "acknowledged");
    }

    private static bool LeaseHolderIs(ClusterHarness cluster, int node)
    {
        using var table = CfsSettings.Create(NodeHost.ComposeConfig(Akka.Configuration.Config.Empty, []), cluster.Home).OpenLeaseTable(TimeSpan.FromSeconds(5));
        return (table.Current("ssi-akka-sbr")?.Owner ?? "").StartsWith(cluster[node].Cluster.SelfAddress.HostPort() + "#", StringComparison.Ordinal);
    }

    /// <summary>
    /// One link (1-2) fails and recovers again and again while both ends still reach node 3: each end sees the other
    /// unreachable and node 3 sees both reachable, so the two are "indirectly connected".
    /// </summary>
    [Fact]
    public async Task A_flapping_link_between_two_nodes_leaves_one_serving_side_and_stops_the_rest()
    {
        await using var cluster = await StartAsync(3);
        await WriteAsync(cluster, 1, "/before-the-flapping", "acknowledged");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Each flap cuts the link until node 1 sees node 2 unreachable, and mends it until node 1 sees node 2 reachable
        // again: shorter than stable-after, so the resolver waits, and each recovery resets its count of instability.
        bool AnyStopped() => cluster.Nodes.Values.Any(n => n.System.WhenTerminated.IsCompleted);
        bool OneSeesTwoUnreachable() => cluster[1].Cluster.State.Unreachable.Any(m => m.HasRole("node-2"));
        var flaps = 0;
        for (var flap = 0; flap < 3 && !AnyStopped(); flap++)
        {
            await cluster.PartitionAsync([1], [2]);
            await cluster.AwaitAsync(() => OneSeesTwoUnreachable() || AnyStopped(), Timeout, "node 1 seeing node 2 unreachable");
            await cluster.HealAsync([1], [2]);
            await cluster.AwaitAsync(() => !OneSeesTwoUnreachable() || AnyStopped(), Timeout, "node 1 seeing node 2 reachable again");
            if (!AnyStopped()) flaps++;
        }
        output.WriteLine($"{flaps} flaps seen through, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(flaps >= 1, "the link never flapped: the resolver decided on the first cut");
        await cluster.PartitionAsync([1], [2]);

        // Whatever the resolver decides, it ends with one side: every node that still runs is Up in one view shared by
        // all of them, and every other node has stopped.
        int[] Running() => [.. cluster.Nodes.Keys.Where(n => !cluster[n].System.WhenTerminated.IsCompleted)];
        await cluster.AwaitAsync(() =>
        {
            var running = Running();
            return running.Length > 0 && running.Length < 3 && running.All(n => cluster[n].Cluster.State.Members.Count == running.Length)
                && SeeEachOtherUp(cluster, running);
        }, Timeout, () => $"one serving side (running: {string.Join(", ", Running())})");
        var survivors = Running();
        output.WriteLine($"serving after {clock.Elapsed.TotalSeconds:0.0} s: nodes {string.Join(", ", survivors)}");
        // Node 3 reaches both ends, so it serves whatever the decision. Mostly the resolver sees both ends observe each
        // other unreachable and downs the two of them (indirectly connected); when it decides before the far end's
        // observation has reached it, the far end is simply unreachable and the side holding the lease downs it alone.
        Assert.Contains(3, survivors);
        Assert.False(survivors.Contains(1) && survivors.Contains(2), "both ends of the cut link kept serving");
        AssertServing(cluster, survivors);
        await AwaitReadableAsync(cluster, 3, "/before-the-flapping", "acknowledged");
    }
}
