// The decisions of a move without a cluster: who may move a process, when it leaves, what it takes, whom it tells.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class MoveRuleTests
{
    private static Errno? Refused(ProcessState state, int target = 2, int uid = 1000, bool moving = false) =>
        MoveRules.Refuse(state, moving, new NodeNumber(target), uid, here: new NodeNumber(1), isUp: n => n.Value is 1 or 2)?.Errno;

    [Fact]
    public void Its_user_or_root_may_move_a_living_unpinned_process_to_a_node_that_is_up()
    {
        Assert.Null(Refused(Ann_process()));
        Assert.Null(Refused(Ann_process(), uid: 0));
        Assert.Null(Refused(Ann_process(), target: 1));
        Assert.Equal(Errno.EPERM, Refused(Ann_process(), uid: 1001));
        Assert.Equal(Errno.EPERM, Refused(Ann_process() with { Pinned = true }, uid: 0));
        Assert.Equal(Errno.ESRCH, Refused(Ann_process() with { State = RunState.Zombie }));
        Assert.Equal(Errno.EBUSY, Refused(Ann_process(), moving: true));
        Assert.Equal(Errno.EHOSTDOWN, Refused(Ann_process(), target: 3));
    }

    [Fact]
    public void Between_two_steps_it_leaves_at_once()
    {
        Assert.Equal(new Leave.Now(null), MoveRules.WhenToLeave(null));
    }

    [Fact]
    public void A_call_with_a_reply_on_its_way_must_end_first()
    {
        Assert.IsType<Leave.AfterCall>(MoveRules.WhenToLeave(new CallInFlight(4, new Stat("/x"), false, false, null)));
    }

    [Fact]
    public void Wait_and_pause_are_made_again_on_arrival_and_a_sleep_for_what_is_left_of_it()
    {
        Assert.Equal(new Leave.Now(new Wait()), MoveRules.WhenToLeave(new CallInFlight(4, new Wait(), true, false, null)));
        Assert.Equal(new Leave.Now(new Pause()), MoveRules.WhenToLeave(new CallInFlight(4, new Pause(), true, false, null)));
        var sleep = MoveRules.WhenToLeave(new CallInFlight(4, new Sleep(TimeSpan.FromSeconds(10)), true, false, TimeSpan.FromSeconds(3)));
        Assert.Equal(new Leave.Now(new Sleep(TimeSpan.FromSeconds(3))), sleep);
    }

    [Fact]
    public void A_terminal_read_goes_along_with_its_time_left_unless_it_is_being_cancelled()
    {
        var read = new Read(new Fd(0), 80, TimeSpan.FromSeconds(5));
        var along = Assert.IsType<Leave.WithRead>(MoveRules.WhenToLeave(new CallInFlight(7, read, true, false, TimeSpan.FromSeconds(2))));
        Assert.Equal(new PendingTerminalRead(7, read, TimeSpan.FromSeconds(2)), along.Reading);
        // A read a signal or its timeout is cancelling ends first: its answer is on the way here.
        Assert.IsType<Leave.AfterCall>(MoveRules.WhenToLeave(new CallInFlight(7, read, true, true, null)));
    }

    [Theory]
    [InlineData(false, false, RunState.Running)]
    [InlineData(true, false, RunState.Stopped)]
    [InlineData(false, true, RunState.Sleeping)]
    [InlineData(true, true, RunState.Stopped)]
    public void It_arrives_one_hop_further_on_the_target_as_it_was(bool stopped, bool reading, RunState expected)
    {
        var departing = MoveRules.Departing(Ann_process() with { Hop = 4 }, new NodeNumber(3), stopped, reading);
        Assert.Equal((new NodeNumber(3), 5L, expected), (departing.Node, departing.Hop, departing.State));
    }

    [Fact]
    public void On_arrival_its_parent_and_living_children_hear_where_it_is()
    {
        var state = Ann_process().WithChild(1_000_011).WithChild(1_000_012, status: 0).WithChild(2_000_001, node: 2);
        var (arrived, tell) = MoveRules.Arrived(state, new NodeNumber(3), Now);
        Assert.Equal((new NodeNumber(3), (DateTimeOffset?)Now), (arrived.Node, arrived.ArrivedAt));
        Assert.Equal<IWithPid>([new ChildMoved(new Pid(1_000_002), new Pid(Self), new NodeNumber(3)), new ParentMoved(new Pid(1_000_011), new NodeNumber(3)), new ParentMoved(new Pid(2_000_001), new NodeNumber(3))],
            tell.OrderBy(m => m.Pid).ToList());
        var orphan = MoveRules.Arrived(Ann_process() with { Parent = Ssi.Actors.Identity.Pid.Init }, new NodeNumber(3), Now).Tell;
        Assert.Empty(orphan);
    }

    [Fact]
    public void A_moved_childs_record_follows_it_unless_it_has_exited()
    {
        var state = Ann_process().WithChild(1_000_011).WithChild(1_000_012, status: 0);
        Assert.Equal(new NodeNumber(2), MoveRules.ChildMoved(state, new Pid(1_000_011), new NodeNumber(2)).Children[new Pid(1_000_011)].Node);
        Assert.Equal(new NodeNumber(1), MoveRules.ChildMoved(state, new Pid(1_000_012), new NodeNumber(2)).Children[new Pid(1_000_012)].Node);
        Assert.Same(state, MoveRules.ChildMoved(state, new Pid(9_000_001), new NodeNumber(2)));
    }

    [Fact]
    public void Only_its_user_or_root_may_pin_a_living_process()
    {
        var (pinned, reply) = MoveRules.Pin(Ann_process(), new PinProcess(new Pid(Self), true, 1000));
        Assert.Equal((true, (object)new PinSet(new Pid(Self), true)), (pinned.Pinned, reply));
        Assert.True(MoveRules.Pin(Ann_process(), new PinProcess(new Pid(Self), true, 0)).State.Pinned);
        Assert.Equal(Errno.EPERM, Assert.IsType<Failed>(MoveRules.Pin(Ann_process(), new PinProcess(new Pid(Self), true, 1001)).Reply).Errno);
        Assert.Equal(Errno.ESRCH, Assert.IsType<Failed>(MoveRules.Pin(Ann_process() with { State = RunState.Zombie }, new PinProcess(new Pid(Self), true, 0)).Reply).Errno);
    }
}
