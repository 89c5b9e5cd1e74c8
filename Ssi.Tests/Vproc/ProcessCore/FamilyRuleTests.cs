// The family rules of the core on exit and on the loss of a node: what the dying release, and who adopts the orphans.
using Ssi.Actors.Signals;
using Ssi.Cfs.Service;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class FamilyRuleTests
{
    [Fact]
    public void Exit_releases_descriptors_gives_living_children_to_init_reaps_zombie_ones_and_leaves_a_zombie()
    {
        var state = Ann_process().WithFd(0, Terminal()).WithFd(1, new CfsHandle(7)).WithChild(1_000_011).WithChild(2_000_001, node: 2, status: 0);
        var (zombie, effects) = Family.Exit(state, WaitStatus.Exited(4));
        Assert.Equal((RunState.Zombie, (int?)WaitStatus.Exited(4)), (zombie.State, zombie.ExitStatus));
        Assert.Empty(zombie.Fds.Entries);
        Assert.Empty(zombie.Children);
        Effect[] expected = [new Send(Destination.FileSystem, new FsClose(Ann, 7)), new Send(Destination.Processes, new Reparent(new Pid(1_000_011), new Pid(Pid.Init.Value))),
            new Send(Destination.Processes, new Reap(new Pid(2_000_001)))];
        Assert.Equal(expected.OrderBy(e => e.ToString()), effects.OrderBy(e => e.ToString()));
    }

    [Fact]
    public void An_orphan_is_adopted_by_init_wherever_it_runs()
    {
        var adopted = Family.Reparented(Ann_process(), new Pid(Pid.Init.Value));
        Assert.Equal((Pid.Init, (NodeNumber?)null), (adopted.Parent, adopted.ParentNode));
    }

    [Fact]
    public void Children_on_a_lost_node_count_as_killed_and_a_parent_there_is_replaced_by_init()
    {
        var state = Ann_process() with { ParentNode = new NodeNumber(3) };
        state = state.WithChild(3_000_001, node: 3).WithChild(3_000_002, node: 3, status: 0).WithChild(1_000_011, node: 1);
        var (after, killed, orphaned) = Family.NodeLost(state, new NodeNumber(3));
        Assert.Equal([new Pid(3_000_001)], killed);
        Assert.Equal(WaitStatus.Signaled(Signal.SIGKILL), after.Children[new Pid(3_000_001)].Status);
        Assert.Equal(0, after.Children[new Pid(3_000_002)].Status);
        Assert.Null(after.Children[new Pid(1_000_011)].Status);
        Assert.True(orphaned);
        Assert.Equal(Pid.Init, after.Parent);
    }

    [Fact]
    public void Losing_another_node_changes_nothing_and_a_zombie_only_learns_it_is_orphaned()
    {
        var state = Ann_process().WithChild(3_000_001, node: 3);
        var (after, killed, orphaned) = Family.NodeLost(state, new NodeNumber(2));
        Assert.Same(state, after);
        Assert.Empty(killed);
        Assert.False(orphaned);
        var zombie = state with { State = RunState.Zombie, ParentNode = new NodeNumber(3) };
        var (zombieAfter, zombieKilled, zombieOrphaned) = Family.NodeLost(zombie, new NodeNumber(3));
        Assert.Same(zombie, zombieAfter);
        Assert.Empty(zombieKilled);
        Assert.True(zombieOrphaned);
        var initsChild = Ann_process() with { Parent = Pid.Init, ParentNode = new NodeNumber(3) };
        Assert.False(Family.NodeLost(initsChild, new NodeNumber(3)).Orphaned);
    }

    [Fact]
    public void A_late_open_is_closed_and_a_child_forked_as_its_parent_died_goes_to_init()
    {
        var opened = new FsOpened(31, Attributes(Ssi.Cfs.Inodes.InodeType.Regular, 0x1A4));
        Assert.Equal([new Send(Destination.FileSystem, new FsClose(Ann, 31))], SystemCallCore.LateReply(Ann_process(), opened));
        var child = new ProcessCreated(new Pid(1_000_040), new NodeNumber(1));
        Assert.Empty(SystemCallCore.LateReply(Ann_process(), child));
        Assert.Equal([new Send(Destination.Processes, new Reparent(new Pid(1_000_040), new Pid(Pid.Init.Value)))],
            SystemCallCore.LateReply(Ann_process() with { State = RunState.Zombie }, child));
        Assert.Empty(SystemCallCore.LateReply(Ann_process(), new FsData([1])));
    }
}
