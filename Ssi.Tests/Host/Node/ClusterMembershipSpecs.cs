// Multi-node specs: real ActorSystems over loopback form a cluster, detect a crash, and track node states.
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Tests.Harness;

namespace Ssi.Tests.Host.Node;

public class ClusterMembershipSpecs
{
    private static async Task<NodeTableView> ViewOf(ClusterHarness cluster, int node) =>
        await cluster[node].Monitor.Ask<NodeTableView>(GetNodeTable.Instance, TimeSpan.FromSeconds(5));

    private static async Task AwaitStateAsync(ClusterHarness cluster, int observer, int node, NodeState state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var view = await ViewOf(cluster, observer);
            if (view.Nodes.Any(n => n.Node.Value == node && n.State == state)) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"node {observer} did not see node {node} {state} within {timeout}; it sees " +
                    string.Join(", ", view.Nodes.Select(n => $"{n.Node}:{n.State}")));
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task Three_nodes_form_one_cluster_and_every_monitor_sees_all_UP()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        foreach (var observer in new[] { 1, 2, 3 })
            await AwaitStateAsync(cluster, observer, 3, NodeState.UP, TimeSpan.FromSeconds(10));
        foreach (var observer in new[] { 1, 2, 3 })
        {
            var view = await ViewOf(cluster, observer);
            Assert.Equal(new NodeNumber(observer), view.ObservedBy);
            Assert.Equal([1, 2, 3], view.Nodes.Select(n => n.Node.Value));
            Assert.All(view.Nodes, n => Assert.Equal(NodeState.UP, n.State));
            Assert.All(view.Nodes, n => Assert.True(n.Reachable));
        }
    }

    [Fact]
    public async Task Crashed_node_becomes_unreachable_then_DOWN_on_every_survivor_and_both_changes_are_published()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var probe = new TestProbe(cluster[1].System, new XunitAssertions());
        cluster[1].System.EventStream.Subscribe(probe.Ref, typeof(NodeStateChanged));
        cluster[1].System.EventStream.Subscribe(probe.Ref, typeof(NodeReachabilityChanged));

        await cluster.CrashAsync(3);

        var unreachable = probe.FishForMessage<NodeReachabilityChanged>(m => m.Node == new NodeNumber(3), TimeSpan.FromSeconds(15));
        Assert.False(unreachable.Reachable);
        var down = probe.FishForMessage<NodeStateChanged>(m => m.Node == new NodeNumber(3) && m.Current == NodeState.DOWN, TimeSpan.FromSeconds(15));
        Assert.Equal(NodeState.UP, down.Previous);
        await AwaitStateAsync(cluster, 2, 3, NodeState.DOWN, TimeSpan.FromSeconds(15));
        Assert.Equal(NodeState.UP, (await ViewOf(cluster, 2)).Nodes.Single(n => n.Node.Value == 1).State);
    }

    [Fact]
    public async Task Node_that_leaves_goes_GOINGDOWN_then_DOWN_without_counting_as_unreachable()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var probe = new TestProbe(cluster[1].System, new XunitAssertions());
        cluster[1].System.EventStream.Subscribe(probe.Ref, typeof(NodeStateChanged));

        await cluster[3].LeaveAsync();

        var leaving = probe.FishForMessage<NodeStateChanged>(m => m.Node == new NodeNumber(3), TimeSpan.FromSeconds(15));
        Assert.Equal(NodeState.GOINGDOWN, leaving.Current);
        probe.FishForMessage<NodeStateChanged>(m => m.Node == new NodeNumber(3) && m.Current == NodeState.DOWN, TimeSpan.FromSeconds(15));
        Assert.Equal(0, (await ViewOf(cluster, 1)).UnreachableEvents);
    }

    [Fact]
    public async Task Crashed_node_started_again_comes_back_UP_as_a_new_incarnation()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var before = (await ViewOf(cluster, 1)).Nodes.Single(n => n.Node.Value == 3).Address;
        await cluster.CrashAsync(3);
        await AwaitStateAsync(cluster, 1, 3, NodeState.DOWN, TimeSpan.FromSeconds(15));

        cluster.StartNode(3);

        await AwaitStateAsync(cluster, 1, 3, NodeState.UP, TimeSpan.FromSeconds(20));
        await AwaitStateAsync(cluster, 2, 3, NodeState.UP, TimeSpan.FromSeconds(20));
        Assert.NotEqual(before, (await ViewOf(cluster, 1)).Nodes.Single(n => n.Node.Value == 3).Address);
    }

    [Fact]
    public async Task A_second_node_with_a_number_in_use_leaves_and_the_first_one_stays()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var firstTwo = (await ViewOf(cluster, 1)).Nodes.Single(n => n.Node.Value == 2).Address;

        var duplicate = cluster.StartNode(2);

        await duplicate.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("node number 2 is already in use", duplicate.Refusal);
        var view = await ViewOf(cluster, 1);
        Assert.Equal(firstTwo, view.Nodes.Single(n => n.Node.Value == 2).Address);
        Assert.Equal(NodeState.UP, view.Nodes.Single(n => n.Node.Value == 2).State);
        Assert.True(cluster.AllUp([1, 2, 3]));
    }
}
