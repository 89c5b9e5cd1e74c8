// The route of a PID as entities come and go: unborn entities, retiring, stand-ins, shards that move, arrivals.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Routing;
using static Ssi.Tests.Vproc.Routing.RouteTrace;
using static Ssi.Vproc.Routing.RouteEffect;

namespace Ssi.Tests.Vproc.Routing;

public sealed class RouteLifecycleTests
{
    [Fact]
    public void An_unborn_entity_answers_esrch_and_stops_and_holds_what_comes_while_it_stops_for_its_shard()
    {
        var entity = On(2).Got(Signal(9), "a");
        Assert.Equal([new Reply(new Failed(Errno.ESRCH, $"no process {ThePid}")), new Passivate()], entity.Take());
        entity.Got(Arrival(1), "b").Got(Signal(2), "c", relayed: true).Feed(new RouteInput.NodeLost(new NodeNumber(3)));
        Assert.Empty(entity.Take());
        entity.Feed(new RouteInput.ShardStops());
        Assert.Equal([new Forward(new NodeNumber(2), Arrival(1), "b"), new Forward(new NodeNumber(2), Signal(2), "c", Relayed: true), new StopNow()], entity.Take());
        Assert.Equal(RouteStage.Stopped, entity.Route.Stage);
    }

    [Fact]
    public void A_stopping_stand_in_sends_what_came_back_to_the_shard_it_stands_in_for()
    {
        var standIn = StandInOn(2).Feed(new RouteInput.GiveUp()).Got(Signal(1), "a").Feed(new RouteInput.ShardStops());
        Assert.Equal([new Passivate(), new Forward(new NodeNumber(1), Signal(1), "a"), new StopNow()], standIn.Take());
        var unsharded = new RouteTrace(ProcessRoute.Unborn(ThePid, node: new NodeNumber(2), shardHome: null)).Feed(new RouteInput.GiveUp()).Got(Signal(1), "a");
        unsharded.Feed(new RouteInput.ShardStops());
        Assert.Equal([new Passivate(), new ForwardByPid(Signal(1), "a"), new StopNow()], unsharded.Take());
    }

    [Theory]
    [InlineData("Retire")]
    [InlineData("Flush")]
    [InlineData("FlushDone")]
    [InlineData("ChildMoved")]
    [InlineData("ParentMoved")]
    public void An_unborn_entity_told_of_a_route_it_has_not_stops_without_an_answer(string kind)
    {
        IWithPid message = kind switch
        {
            "Retire" => new Retire(ThePid),
            "Flush" => new Flush(ThePid, 2),
            "FlushDone" => new FlushDone(ThePid, 2),
            "ChildMoved" => new ChildMoved(ThePid, new Pid(2_000_001), new NodeNumber(3)),
            _ => new ParentMoved(ThePid, new NodeNumber(3)),
        };
        var entity = On(2).Got(message, "a");
        Assert.Equal([new Passivate()], entity.Take());
        Assert.Equal(RouteStage.Stopping, entity.Route.Stage);
    }

    [Fact]
    public void A_relayed_message_to_an_unborn_entity_is_answered_esrch_whatever_it_is()
    {
        var entity = AtOrigin().Got(new Relocated(ThePid, new NodeNumber(3), 2), "a", relayed: true);
        Assert.Equal([new Reply(new Failed(Errno.ESRCH, $"no process {ThePid}")), new Passivate()], entity.Take());
    }

    [Fact]
    public void An_unborn_origin_told_where_the_process_is_becomes_its_forwarder()
    {
        var relocated = AtOrigin().Got(new Relocated(ThePid, new NodeNumber(3), 2), "p");
        Assert.Equal([new Reply(new RelocationNoted(ThePid, 2)), new RegisterForwarder()], relocated.Take());
        Assert.Equal(new Move(new NodeNumber(3), 2), relocated.Route.Via);
        Assert.Equal([new NodeNumber(3)], relocated.Route.AwayPlaces);
        var moved = AtOrigin().Got(new MovedTo(ThePid, new NodeNumber(4), 5));
        Assert.Equal([new RegisterForwarder()], moved.Take());
        Assert.Equal(new Move(new NodeNumber(4), 5), moved.Route.Via);
    }

    [Fact]
    public void Retire_at_the_origin_retires_every_place_the_process_was_and_stops_this_forwarder()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(new FlushDone(ThePid, 2)).Cleared();
        origin.Got(new Retire(ThePid));
        Assert.Equal([new RetireForwarder(new NodeNumber(2)), new RetireForwarder(new NodeNumber(3)), new UnregisterForwarder(), new Passivate()], origin.Take());
        Assert.Equal(RouteStage.Stopping, origin.Route.Stage);
        Assert.Empty(origin.Route.AwayPlaces);
    }

    [Fact]
    public void Retire_away_from_the_origin_stops_only_that_forwarder()
    {
        var place = On(2).BornAndLeftFor(3, 2).Got(new Retire(ThePid));
        Assert.Equal([new UnregisterForwarder(), new Passivate()], place.Take());
    }

    [Fact]
    public void The_loss_of_the_node_a_forwarder_sends_to_stops_it_and_the_loss_of_another_does_not()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1).Feed(new RouteInput.NodeLost(new NodeNumber(3)));
        Assert.Empty(origin.Take());
        origin.Feed(new RouteInput.NodeLost(new NodeNumber(2)));
        Assert.Equal([new UnregisterForwarder(), new Passivate()], origin.Take());
    }

    [Fact]
    public void A_process_reaped_at_home_retires_the_places_it_was_but_coming_home_retires_none()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(new FlushDone(ThePid, 2)).Cleared();
        origin.Got(Arrival(3), "3").Feed(new RouteInput.Arrived());
        Assert.DoesNotContain(origin.Take(), e => e is RetireForwarder); // a return trip would recreate them
        Assert.Equal(RouteStage.Here, origin.Route.Stage);
        origin.Feed(new RouteInput.Reaped());
        Assert.Equal([new RetireForwarder(new NodeNumber(2)), new RetireForwarder(new NodeNumber(3))], origin.Take());
        Assert.Equal(RouteStage.Gone, origin.Route.Stage);
    }

    [Fact]
    public void A_process_reaped_away_from_its_origin_tells_the_origin_to_forward_no_more()
    {
        var place = On(3).Feed(new RouteInput.Born()).Feed(new RouteInput.Reaped());
        Assert.Equal([new TellOrigin(new Retire(ThePid))], place.Take());
    }

    [Fact]
    public void A_stand_in_keeps_the_route_as_the_origin_would_switching_and_retiring_the_node_left_behind()
    {
        var standIn = StandInOn(2).Got(new Relocated(ThePid, new NodeNumber(3), 1), "p").Cleared();
        Assert.True(standIn.Route.IsOrigin);
        standIn.Got(new MovedTo(ThePid, new NodeNumber(4), 2)).Got(Signal(1), "a").Got(new FlushDone(ThePid, 2));
        Assert.Equal([new FlushRoute(new NodeNumber(3), 2), new RetireForwarder(new NodeNumber(3)), new Forward(new NodeNumber(4), Signal(1), "a")], standIn.Take());
        standIn.Got(new Retire(ThePid));
        Assert.Equal([new RetireForwarder(new NodeNumber(3)), new RetireForwarder(new NodeNumber(4)), new UnregisterForwarder(), new Passivate()], standIn.Take());
    }

    [Fact]
    public void A_forwarder_stopped_mid_switch_sends_its_route_ahead_and_what_it_held_along_the_old_route()
    {
        var origin = StandInOn(2).Got(new Relocated(ThePid, new NodeNumber(3), 1)).Got(new MovedTo(ThePid, new NodeNumber(4), 2)).Cleared();
        origin.Got(Signal(1), "a").Got(Signal(2), "b").Feed(new RouteInput.ShardStops());
        Assert.Equal([new SendRouteAhead(new Relocated(ThePid, new NodeNumber(3), 1)), new Forward(new NodeNumber(3), Signal(1), "a"), new Forward(new NodeNumber(3), Signal(2), "b"),
            new UnregisterForwarder(), new StopNow()], origin.Take());
        // The origin is back and its shard goes home: the next entity takes the route, and the flush still on its way
        // finds no switch there and goes along it (node 3 forwards to 4, where the process is).
        var home = AtOrigin().Got(new Relocated(ThePid, new NodeNumber(3), 1), null).Got(new FlushDone(ThePid, 2), "3").Got(Signal(3), "c");
        Assert.Equal([new Reply(new RelocationNoted(ThePid, 1)), new RegisterForwarder(), new Forward(new NodeNumber(3), new FlushDone(ThePid, 2), "3"),
            new Forward(new NodeNumber(3), Signal(3), "c")], home.Take());
    }

    [Fact]
    public void A_forwarder_away_from_the_origin_stopped_by_its_shard_sends_no_route_ahead()
    {
        var place = On(2).BornAndLeftFor(3, 2).Feed(new RouteInput.ShardStops());
        Assert.Equal([new UnregisterForwarder(), new StopNow()], place.Take());
    }

    [Fact]
    public void A_process_arriving_at_a_forwarder_mid_switch_gets_what_the_switch_held_first()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1);
        origin.Got(new MovedTo(ThePid, new NodeNumber(3), 2)).Got(new MovedTo(ThePid, new NodeNumber(4), 3)).Got(Signal(1), "a").Got(Signal(2), "b").Cleared();
        origin.Got(Arrival(4), "4");
        var effects = origin.Take();
        Assert.Equal(new UnregisterForwarder(), effects[0]);
        var arrival = Assert.IsType<BeginArrival>(effects[1]);
        Assert.Equal([new HeldMessage(Signal(1), "a"), new HeldMessage(Signal(2), "b")], arrival.SentBefore);
        Assert.Equal(2, effects.Count);
        Assert.Equal(RouteStage.Arriving, origin.Route.Stage);
        Assert.Null(origin.Route.SwitchingTo);
        Assert.True(origin.Route.LaterMoves.IsEmpty);
        Assert.Empty(origin.Route.Held);
        // The flush of the switch given up comes back to the process, which has nothing to do with it.
        origin.Feed(new RouteInput.Arrived()).Got(new FlushDone(ThePid, 2));
        Assert.Empty(origin.Take());
    }

    [Fact]
    public void An_arrival_that_fails_at_a_forwarder_restores_its_route_and_at_an_unborn_entity_leaves_it_unborn()
    {
        var origin = AtOrigin().BornAndLeftFor(2, 1).Got(Arrival(2)).Cleared().Feed(new RouteInput.ArrivalFailed());
        Assert.Equal([new RegisterForwarder()], origin.Take());
        Assert.Equal(RouteStage.Forwarding, origin.Route.Stage);
        Assert.Equal(new Move(new NodeNumber(2), 1), origin.Route.Via);
        var fresh = On(3).Got(Arrival(2));
        var begun = Assert.IsType<BeginArrival>(Assert.Single(fresh.Take()));
        Assert.Empty(begun.SentBefore);
        fresh.Feed(new RouteInput.ArrivalFailed());
        Assert.Empty(fresh.Take());
        Assert.Equal(RouteStage.Unborn, fresh.Route.Stage);
    }

    [Fact]
    public void Messages_to_a_process_that_is_here_are_not_the_routes()
    {
        var here = AtOrigin().Feed(new RouteInput.Born()).Got(Signal(1), "a").Got(new Relocated(ThePid, new NodeNumber(2), 1)).Feed(new RouteInput.ShardStops());
        Assert.Empty(here.Take());
        Assert.Equal(RouteStage.Here, here.Route.Stage);
    }
}
