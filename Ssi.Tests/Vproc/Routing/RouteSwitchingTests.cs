// The route of a PID while the process is away: forwarding in order, and the origin switching after a flush.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Routing;
using static Ssi.Tests.Vproc.Routing.RouteTrace;
using static Ssi.Vproc.Routing.RouteEffect;

namespace Ssi.Tests.Vproc.Routing;

public sealed class RouteSwitchingTests
{
    [Fact]
    public void A_process_that_leaves_its_origin_makes_it_a_forwarder_of_every_message_in_order_with_its_sender()
    {
        var origin = AtOrigin().Feed(new RouteInput.Born());
        origin.Feed(new RouteInput.Left(new NodeNumber(2), 1));
        Assert.Equal([new RegisterForwarder()], origin.Take()); // the origin tells nobody: it is where moves are heard
        Assert.Equal(RouteStage.Forwarding, origin.Route.Stage);
        origin.Got(Signal(1), "a").Got(Signal(2), "b", relayed: true).Got(Signal(3), "c");
        Assert.Equal([new Forward(new NodeNumber(2), Signal(1), "a"), new Forward(new NodeNumber(2), Signal(2), "b"), new Forward(new NodeNumber(2), Signal(3), "c")], origin.Take());
        Assert.Equal([new NodeNumber(2)], origin.Route.AwayPlaces);
    }

    [Fact]
    public void A_process_that_leaves_a_node_other_than_its_origin_tells_the_origin_where_it_went()
    {
        var place = On(2).Feed(new RouteInput.Born()).Feed(new RouteInput.Left(new NodeNumber(3), 2));
        Assert.Equal([new TellOrigin(new MovedTo(ThePid, new NodeNumber(3), 2)), new RegisterForwarder()], place.Take());
        Assert.Empty(place.Route.AwayPlaces); // only the origin keeps them
        place.Got(Signal(9), "a");
        Assert.Equal([new Forward(new NodeNumber(3), Signal(9), "a")], place.Take());
    }

    [Fact]
    public void A_later_move_flushes_the_old_route_and_holds_messages_until_the_flush_is_back_then_sends_them_in_order()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2));
        Assert.Equal([new FlushRoute(new NodeNumber(2), 2)], origin.Take());
        origin.Got(Signal(1), "a").Got(Signal(2), "b", relayed: true);
        Assert.Empty(origin.Take()); // nothing may overtake what went to node 2 before
        origin.Got(new FlushDone(ThePid, 2));
        Assert.Equal([new RetireForwarder(new NodeNumber(2)), new Forward(new NodeNumber(3), Signal(1), "a"), new Forward(new NodeNumber(3), Signal(2), "b")], origin.Take());
        origin.Got(Signal(3), "c");
        Assert.Equal([new Forward(new NodeNumber(3), Signal(3), "c")], origin.Take());
        Assert.Equal(new Move(new NodeNumber(3), 2), origin.Route.Via);
        Assert.Null(origin.Route.SwitchingTo);
        Assert.Equal([new NodeNumber(2), new NodeNumber(3)], origin.Route.AwayPlaces);
    }

    [Fact]
    public void Moves_heard_during_a_switch_are_switched_to_in_turn_each_after_its_own_flush()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(new MovedTo(ThePid, new NodeNumber(4), 3)).Got(Signal(1), "a").Got(new MovedTo(ThePid, new NodeNumber(2), 4));
        Assert.Equal([new FlushRoute(new NodeNumber(2), 2)], origin.Take());
        origin.Got(new FlushDone(ThePid, 2));
        Assert.Equal([new RetireForwarder(new NodeNumber(2)), new Forward(new NodeNumber(3), Signal(1), "a"), new FlushRoute(new NodeNumber(3), 3)], origin.Take());
        origin.Got(Signal(2), "b").Got(new FlushDone(ThePid, 3));
        Assert.Equal([new RetireForwarder(new NodeNumber(3)), new Forward(new NodeNumber(4), Signal(2), "b"), new FlushRoute(new NodeNumber(4), 4)], origin.Take());
        origin.Got(new FlushDone(ThePid, 4));
        Assert.Equal([new RetireForwarder(new NodeNumber(4))], origin.Take());
        Assert.Equal(new Move(new NodeNumber(2), 4), origin.Route.Via);
        Assert.True(origin.Route.LaterMoves.IsEmpty);
    }

    [Fact]
    public void A_stale_move_is_remembered_as_a_place_the_process_was_but_switches_nothing()
    {
        var origin = AtOrigin().BornAndLeftFor(3, 2);
        origin.Got(new MovedTo(ThePid, new NodeNumber(2), 1)).Got(new MovedTo(ThePid, new NodeNumber(4), 2));
        Assert.Empty(origin.Take());
        Assert.Equal(new Move(new NodeNumber(3), 2), origin.Route.Via);
        Assert.Null(origin.Route.SwitchingTo);
        Assert.Equal([new NodeNumber(2), new NodeNumber(3), new NodeNumber(4)], origin.Route.AwayPlaces); // its forwarders there go when the process is gone
    }

    [Fact]
    public void A_return_to_the_node_the_route_goes_through_retires_nothing()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(2), 3)).Got(new FlushDone(ThePid, 3));
        Assert.Equal([new FlushRoute(new NodeNumber(2), 3)], origin.Take());
        Assert.Equal(new Move(new NodeNumber(2), 3), origin.Route.Via);
    }

    [Fact]
    public void A_flush_done_that_ends_no_switch_and_a_move_heard_away_from_the_origin_are_passed_on()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new FlushDone(ThePid, 7), "x");
        Assert.Equal([new Forward(new NodeNumber(2), new FlushDone(ThePid, 7), "x")], origin.Take());
        var place = On(2).BornAndLeftFor(3, 2);
        place.Got(new MovedTo(ThePid, new NodeNumber(4), 3), "y");
        Assert.Equal([new Forward(new NodeNumber(3), new MovedTo(ThePid, new NodeNumber(4), 3), "y")], place.Take());
    }

    [Fact]
    public void A_flush_passing_through_a_forwarder_goes_on_at_once_with_the_origin_as_its_sender()
    {
        var place = On(2).BornAndLeftFor(3, 2);
        place.Got(new Flush(ThePid, 3), "origin");
        Assert.Equal([new Forward(new NodeNumber(3), new Flush(ThePid, 3), "origin")], place.Take());
    }

    [Fact]
    public void No_process_at_the_end_of_the_flush_ends_the_switch_as_if_it_came_back()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Feed(new RouteInput.NoProcess()); // not switching: an answer nobody waits for
        Assert.Empty(origin.Take());
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(Signal(1), "a").Feed(new RouteInput.NoProcess());
        Assert.Equal([new FlushRoute(new NodeNumber(2), 2), new RetireForwarder(new NodeNumber(2)), new Forward(new NodeNumber(3), Signal(1), "a")], origin.Take());
        Assert.Equal(new Move(new NodeNumber(3), 2), origin.Route.Via);
    }

    [Fact]
    public void A_newer_or_equal_relocation_sets_the_route_and_an_older_one_is_only_noted()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 3);
        origin.Got(new Relocated(ThePid, new NodeNumber(4), 2), "p");
        Assert.Equal([new Reply(new RelocationNoted(ThePid, 2))], origin.Take());
        Assert.Equal(new Move(new NodeNumber(2), 3), origin.Route.Via);
        origin.Got(new Relocated(ThePid, new NodeNumber(4), 3)).Got(new Relocated(ThePid, new NodeNumber(5), 6));
        Assert.Equal([new Reply(new RelocationNoted(ThePid, 3)), new Reply(new RelocationNoted(ThePid, 6))], origin.Take());
        Assert.Equal(new Move(new NodeNumber(5), 6), origin.Route.Via);
    }

    [Fact]
    public void A_device_answer_sent_to_the_pid_follows_the_process_behind_what_was_sent_before_it()
    {
        // A terminal read that moved along is answered by PID: the answer takes the route like a signal.
        var answer = new DeviceReply(ThePid, new Failed(Errno.EINTR, "cancelled"));
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Cleared().Got(Signal(2), "kill").Got(answer, "terminal").Got(new FlushDone(ThePid, 2));
        Assert.Equal([new RetireForwarder(new NodeNumber(2)), new Forward(new NodeNumber(3), Signal(2), "kill"), new Forward(new NodeNumber(3), answer, "terminal")], origin.Take());
    }

    [Fact]
    public void Losing_the_place_a_switch_leaves_completes_the_switch_to_where_the_process_went()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(Signal(1), "a").Cleared();
        // Node 2 dies with the flush: the process is on node 3, and what went through node 2 died with it.
        origin.Feed(new RouteInput.NodeLost(new NodeNumber(2)));
        Assert.Equal([new Forward(new NodeNumber(3), Signal(1), "a")], origin.Take());
        Assert.Equal((RouteStage.Forwarding, new Move(new NodeNumber(3), 2)), (origin.Route.Stage, origin.Route.Via));
        Assert.Null(origin.Route.SwitchingTo);
        origin.Got(Signal(2), "b");
        Assert.Equal([new Forward(new NodeNumber(3), Signal(2), "b")], origin.Take());
    }

    [Fact]
    public void A_stand_in_told_mid_switch_where_the_process_is_still_completes_the_switch_when_the_place_left_dies()
    {
        // The process moved on from 3 to 4 and node 3 died: the process announces itself (it may have lost the stand-in)
        // and its Relocated can reach the stand-in before the stand-in hears that node 3 is gone.
        var standIn = StandInOn(2).Got(new Relocated(ThePid, new NodeNumber(3), 1), "p").Got(new MovedTo(ThePid, new NodeNumber(4), 2)).Cleared();
        standIn.Got(Signal(1), "a").Got(new Relocated(ThePid, new NodeNumber(4), 2), "p");
        Assert.Equal([new Reply(new RelocationNoted(ThePid, 2))], standIn.Take());
        standIn.Feed(new RouteInput.NodeLost(new NodeNumber(3)));
        Assert.Equal([new Forward(new NodeNumber(4), Signal(1), "a")], standIn.Take());
        Assert.Equal((new Move(new NodeNumber(4), 2), (Move?)null), (standIn.Route.Via, standIn.Route.SwitchingTo));
        standIn.Got(Signal(2), "b");
        Assert.Equal([new Forward(new NodeNumber(4), Signal(2), "b")], standIn.Take());
    }

    [Fact]
    public void A_relocation_newer_than_the_switch_under_way_is_the_next_switch()
    {
        var standIn = StandInOn(2).Got(new Relocated(ThePid, new NodeNumber(3), 1), "p").Got(new MovedTo(ThePid, new NodeNumber(4), 2)).Cleared();
        standIn.Got(new Relocated(ThePid, new NodeNumber(5), 3), "p").Got(Signal(1), "a").Got(new FlushDone(ThePid, 2));
        Assert.Equal([new Reply(new RelocationNoted(ThePid, 3)), new RetireForwarder(new NodeNumber(3)), new Forward(new NodeNumber(4), Signal(1), "a"), new FlushRoute(new NodeNumber(4), 3)],
            standIn.Take());
        Assert.Equal([new NodeNumber(3), new NodeNumber(4), new NodeNumber(5)], standIn.Route.AwayPlaces);
    }

    [Fact]
    public void A_stale_move_in_the_queue_does_not_hold_up_the_moves_behind_it()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(new MovedTo(ThePid, new NodeNumber(4), 3)).Cleared(); // the news of hop 2 came twice
        origin.Got(new FlushDone(ThePid, 2));
        Assert.Equal([new RetireForwarder(new NodeNumber(2)), new FlushRoute(new NodeNumber(3), 3)], origin.Take());
        Assert.Equal(new Move(new NodeNumber(4), 3), origin.Route.SwitchingTo);
    }

    [Fact]
    public void A_process_that_dies_mid_switch_answers_every_held_message_with_esrch()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(Signal(1), "a").Got(Signal(2), "b").Cleared();
        origin.Got(new Retire(ThePid), "3");
        var gone = new Failed(Errno.ESRCH, $"no process {ThePid}");
        Assert.Equal([new Answer("a", gone), new Answer("b", gone), new RetireForwarder(new NodeNumber(2)), new RetireForwarder(new NodeNumber(3)), new UnregisterForwarder(), new Passivate()],
            origin.Take());
    }

    [Fact]
    public void Losing_the_node_a_switch_goes_to_means_the_process_died_there_and_what_was_held_gets_esrch()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(Signal(1), "a").Cleared();
        origin.Feed(new RouteInput.NodeLost(new NodeNumber(3)));
        Assert.Equal([new Answer("a", new Failed(Errno.ESRCH, $"no process {ThePid}")), new UnregisterForwarder(), new Passivate()], origin.Take());
        Assert.Equal(RouteStage.Stopping, origin.Route.Stage);
    }
}
