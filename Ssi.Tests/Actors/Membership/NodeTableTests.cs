// Pure state tests of the node table: how member statuses become OpenSSI node states, incarnation by incarnation.
using Akka.Actor;
using Akka.Cluster;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;

namespace Ssi.Tests.Actors.Membership;

public class NodeTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly NodeNumber Three = new(3);

    private static UniqueAddress Incarnation(int uid, int port = 4003) => new(new Address("akka.tcp", "ssi", "127.0.0.1", port), uid);

    private static NodeTable Apply(NodeTable table, UniqueAddress who, params MemberStatus[] statuses)
    {
        foreach (var s in statuses) table = table.Apply(new MemberObservation(Three, who, s), T0).Table;
        return table;
    }

    [Fact]
    public void Unknown_node_is_NEVERUP()
    {
        Assert.Equal(NodeState.NEVERUP, NodeTable.Empty.StateOf(Three));
    }

    [Fact]
    public void Joining_then_up_goes_COMINGUP_then_UP_and_publishes_each_change()
    {
        var (t1, c1) = NodeTable.Empty.Apply(new MemberObservation(Three, Incarnation(1), MemberStatus.Joining), T0);
        var (t2, c2) = t1.Apply(new MemberObservation(Three, Incarnation(1), MemberStatus.Up), T0.AddSeconds(1));
        Assert.Equal(new NodeStateChanged(Three, NodeState.NEVERUP, NodeState.COMINGUP, c1!.Address), c1);
        Assert.Equal(NodeState.COMINGUP, c2!.Previous);
        Assert.Equal(NodeState.UP, t2.StateOf(Three));
        Assert.Equal(T0.AddSeconds(1), t2.Nodes[Three].UpSince);
    }

    [Fact]
    public void Same_state_again_publishes_nothing()
    {
        var table = Apply(NodeTable.Empty, Incarnation(1), MemberStatus.Up);
        Assert.Null(table.Apply(new MemberObservation(Three, Incarnation(1), MemberStatus.Up), T0).Changed);
    }

    [Theory]
    [InlineData(MemberStatus.Leaving, NodeState.GOINGDOWN)]
    [InlineData(MemberStatus.Exiting, NodeState.GOINGDOWN)]
    [InlineData(MemberStatus.Down, NodeState.DOWN)]
    [InlineData(MemberStatus.Removed, NodeState.DOWN)]
    public void Up_node_moves_to_the_state_of_its_status(MemberStatus status, NodeState expected)
    {
        var table = Apply(NodeTable.Empty, Incarnation(1), MemberStatus.Up, status);
        Assert.Equal(expected, table.StateOf(Three));
    }

    [Fact]
    public void Down_then_removed_counts_one_down_and_is_final_for_that_incarnation()
    {
        var table = Apply(NodeTable.Empty, Incarnation(1), MemberStatus.Up, MemberStatus.Down, MemberStatus.Removed);
        Assert.Equal(1, table.DownEvents);
        Assert.Null(table.Apply(new MemberObservation(Three, Incarnation(1), MemberStatus.Up), T0).Changed);
        Assert.Equal(NodeState.DOWN, table.StateOf(Three));
    }

    [Fact]
    public void A_new_incarnation_after_DOWN_comes_up_again()
    {
        var table = Apply(NodeTable.Empty, Incarnation(1), MemberStatus.Up, MemberStatus.Down);
        table = Apply(table, Incarnation(2), MemberStatus.Joining);
        Assert.Equal(NodeState.COMINGUP, table.StateOf(Three));
        table = Apply(table, Incarnation(2), MemberStatus.Up);
        Assert.Equal(NodeState.UP, table.StateOf(Three));
        Assert.Equal(Incarnation(2), table.Nodes[Three].Incarnation);
    }

    [Fact]
    public void Late_removal_of_an_old_incarnation_does_not_touch_the_new_one()
    {
        var table = Apply(NodeTable.Empty, Incarnation(1), MemberStatus.Up, MemberStatus.Down);
        table = Apply(table, Incarnation(2), MemberStatus.Up);
        var (after, changed) = table.Apply(new MemberObservation(Three, Incarnation(1), MemberStatus.Removed), T0);
        Assert.Null(changed);
        Assert.Equal(NodeState.UP, after.StateOf(Three));
    }

    [Fact]
    public void A_second_live_node_claiming_the_same_number_does_not_replace_a_reachable_up_one()
    {
        var table = Apply(NodeTable.Empty, Incarnation(1), MemberStatus.Up);
        var (after, changed) = table.Apply(new MemberObservation(Three, Incarnation(2, port: 5003), MemberStatus.Joining), T0);
        Assert.Null(changed);
        Assert.Equal(Incarnation(1), after.Nodes[Three].Incarnation);
    }

    [Fact]
    public void Unreachable_keeps_UP_flags_it_and_counts_it()
    {
        var table = Apply(NodeTable.Empty, Incarnation(1), MemberStatus.Up);
        var (after, changed) = table.SetReachable(Three, Incarnation(1), reachable: false);
        Assert.Equal(new NodeReachabilityChanged(Three, false, Incarnation(1).Address.ToString()), changed);
        Assert.Equal(NodeState.UP, after.StateOf(Three));
        Assert.False(after.Nodes[Three].Reachable);
        Assert.Equal(1, after.UnreachableEvents);
        Assert.Null(after.SetReachable(Three, Incarnation(1), reachable: false).Changed);
        Assert.True(after.SetReachable(Three, Incarnation(1), reachable: true).Table.Nodes[Three].Reachable);
    }

    [Fact]
    public void Reachability_of_a_stale_incarnation_is_ignored()
    {
        var table = Apply(NodeTable.Empty, Incarnation(2), MemberStatus.Up);
        Assert.Null(table.SetReachable(Three, Incarnation(1), reachable: false).Changed);
    }
}
