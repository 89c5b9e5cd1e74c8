// Multi-node specs of lease-majority downing: real ActorSystems over loopback, one shared SQLite store holding the lease.
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Coordination;
using Akka.Event;
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

public sealed class LeaseDowningSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string LeaseName = "ssi-akka-sbr"; // the resolver's default: the system name, then -akka-sbr
    private static readonly Config Defaults = NodeHost.ComposeConfig(Config.Empty, []);

    private static LeaseTable OpenTable(ClusterHarness cluster) =>
        CfsSettings.Create(Defaults, cluster.Home).OpenLeaseTable(TimeSpan.FromSeconds(5));

    private static bool Gone(ClusterHarness cluster, int observer, params int[] nodes) =>
        nodes.All(n => !cluster[observer].Cluster.State.Members.Any(m => m.HasRole("node-" + n)));

    private static Task<object> CallFs(ClusterHarness cluster, int node, IFileSystemRequest request) =>
        cluster.AskFileSystemAsync(node, request, Timeout);

    private static async Task CrashAsync(ClusterHarness cluster, params int[] nodes) =>
        await Task.WhenAll(nodes.Select(cluster.CrashAsync));

    /// <summary>
    /// Found by `ssi chaos`: a node that shuts down sees every member removed as its last view. Fencing on that locked
    /// the healthy nodes out of the lease, so the next failure took the whole cluster down.
    /// </summary>
    [Fact]
    public async Task A_downed_node_fences_nobody_as_it_shuts_down_so_a_later_survivor_still_takes_the_lease()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var incarnations = Enumerable.Range(1, 3).ToDictionary(n => n, n => LeaseFences.MemberName(cluster[n].Cluster.SelfUniqueAddress));

        cluster[3].Cluster.Down(cluster[3].Cluster.SelfAddress);
        await cluster[3].System.WhenTerminated.WaitAsync(Timeout);
        using (var table = OpenTable(cluster))
        {
            await cluster.AwaitAsync(() => table.IsFenced(incarnations[3]), Timeout, "node 3's incarnation fenced by the nodes that removed it");
            Assert.False(table.IsFenced(incarnations[1]));
            Assert.False(table.IsFenced(incarnations[2]));
        }

        await CrashAsync(cluster, 2);
        await cluster.AwaitAsync(() => Gone(cluster, 1, 2), Timeout, "node 2 removed by node 1");
        Assert.False(cluster[1].System.WhenTerminated.IsCompleted);
        using (var table = OpenTable(cluster))
            Assert.StartsWith(cluster[1].Cluster.SelfAddress.HostPort(), table.Current(LeaseName)!.Owner);
    }

    [Fact]
    public async Task When_two_of_three_crash_the_survivor_takes_the_lease_and_keeps_its_process_and_files_then_new_nodes_rejoin_it()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, prepareRoot: Ssi.Tests.Vproc.ProcessTable.SpecPrograms.Install);
        Assert.IsType<FsAttributes>(await CallFs(cluster, 1, new FsCreate(Credentials.Root, "/survivor", 420)));
        Assert.IsType<FsAttributes>(await CallFs(cluster, 1, new FsWrite(Credentials.Root, "/survivor", 0, Encoding.ASCII.GetBytes("still here"))));
        var (sleeper, _) = await cluster.RunAsync(1, 1, Credentials.Root, ["sleep", "1000"], Timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await CrashAsync(cluster, 2, 3);

        await cluster.AwaitAsync(() => Gone(cluster, 1, 2, 3), Timeout, "nodes 2 and 3 removed by node 1");
        output.WriteLine($"nodes 2 and 3 removed {clock.Elapsed.TotalSeconds:0.0} s after the crash");
        Assert.False(cluster[1].System.WhenTerminated.IsCompleted);
        using (var table = OpenTable(cluster))
            Assert.StartsWith(cluster[1].Cluster.SelfAddress.HostPort(), table.Current(LeaseName)!.Owner);
        await cluster.AwaitAsync(async () => await CallFs(cluster, 1, new FsRead(Credentials.Root, "/survivor", 0, 100)) is FsData d
            && Encoding.ASCII.GetString(d.Data) == "still here", Timeout, "the file read through the survivor");
        output.WriteLine($"the file answers through node 1 {clock.Elapsed.TotalSeconds:0.0} s after the crash");
        Assert.IsType<ProcessInfo>(await cluster.QueryOnceAsync(1, sleeper.Pid.Value));

        cluster.StartNode(2);
        cluster.StartNode(3);

        await cluster.AwaitAsync(() => cluster.AllUp([1, 2, 3]), Timeout, "nodes 2 and 3 back in node 1's cluster");
        Assert.IsType<FsData>(await CallFs(cluster, 3, new FsRead(Credentials.Root, "/survivor", 0, 100)));
        Assert.IsType<ProcessInfo>(await cluster.QueryOnceAsync(3, sleeper.Pid.Value));
    }

    /// <summary>
    /// The resolver keeps the lease for release-after past each decision, and the next decision may fall to another
    /// leader of the same side: that leader takes the lease over, and the holder steps down instead of downing itself.
    /// Leaders go by address, so the new node gets a port below every other (one the OS never hands out for port 0).
    /// </summary>
    [Fact]
    public async Task A_second_crash_decided_by_a_new_leader_while_a_member_of_its_side_holds_the_lease_keeps_both()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        int PortOf(int n) => cluster[n].Cluster.SelfAddress.Port!.Value;
        var byAddress = new[] { 1, 2, 3 }.OrderBy(PortOf).ToArray();
        var (first, holder, last) = (byAddress[0], byAddress[1], byAddress[2]);

        await CrashAsync(cluster, first); // the leader of the survivors (the holder) takes the lease to down it
        await cluster.AwaitAsync(() => Gone(cluster, holder, first) && Gone(cluster, last, first), Timeout, $"node {first} removed");
        using var table = OpenTable(cluster);
        Assert.StartsWith(cluster[holder].Cluster.SelfAddress.HostPort() + "#", table.Current(LeaseName)!.Owner);
        var holderLease = LeaseProvider.Get(cluster[holder].System)
            .GetLease(LeaseName, "ssi.cfs.lease", cluster[holder].Cluster.SelfAddress.HostPort());
        Assert.True(holderLease.CheckLease()); // the resolver's own lease object, which still holds the lease

        cluster.StartNode(4, port: ClusterHarness.FreePortBelowEphemeral());
        await cluster.AwaitAsync(() => cluster.AllUp([holder, last, 4]), Timeout, "node 4 joined");
        Assert.True(PortOf(4) < PortOf(holder));
        await CrashAsync(cluster, last); // node 4 leads now, and the holder still holds the lease

        await cluster.AwaitAsync(() => Gone(cluster, 4, last) && Gone(cluster, holder, last), Timeout, $"node {last} removed by node 4");
        Assert.StartsWith(cluster[4].Cluster.SelfAddress.HostPort() + "#", table.Current(LeaseName)!.Owner);
        await cluster.AwaitAsync(() => !holderLease.CheckLease(), Timeout, "the old holder stepping down");
        Assert.IsType<FsAttributes>(await CallFs(cluster, holder, new FsCreate(Credentials.Root, "/after-hand-over", 420)));
        Assert.Null(CoordinatedShutdown.Get(cluster[holder].System).ShutdownReason);
        Assert.Null(CoordinatedShutdown.Get(cluster[4].System).ShutdownReason);
        Assert.True(cluster.AllUp([holder, 4]));
    }

    [Fact]
    public async Task A_side_that_finds_the_lease_held_by_the_other_side_downs_itself_and_stops()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        // The other side of a partition, which won: it holds the lease and keeps renewing it.
        var other = new StoreLease(LeaseSettings.Create(Defaults.GetConfig("ssi.cfs.lease"), LeaseName, "other-side"),
            () => OpenTable(cluster), NoLogger.Instance, whenLostWithoutCallback: null);
        Assert.True(await other.Acquire());
        try
        {
            await CrashAsync(cluster, 2, 3); // node 1 now sees only itself, as it would behind a partition

            await cluster[1].System.WhenTerminated.WaitAsync(Timeout);

            Assert.True(other.CheckLease());
        }
        finally
        {
            await other.Release();
        }
    }

    [Fact]
    public async Task A_survivor_that_loses_the_lease_it_holds_downs_itself_and_stops()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        await CrashAsync(cluster, 2, 3);
        await cluster.AwaitAsync(() => Gone(cluster, 1, 2, 3), Timeout, "nodes 2 and 3 removed by node 1");
        using var table = OpenTable(cluster);
        var holder = table.Current(LeaseName)!.Owner;

        // The row changes hands behind node 1's back (as if its renewals had stopped reaching the store).
        Assert.True(table.Release(LeaseName, holder));
        Assert.True(table.TryAcquire(LeaseName, "usurper#0", TimeSpan.FromMinutes(1)).Acquired);

        await cluster[1].System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("lease", CoordinatedShutdown.Get(cluster[1].System).ShutdownReason?.ToString());
    }
}
