// The route of one PID at one entity: where it forwards, how the origin switches it, when a forwarder retires. Pure.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;
using static Ssi.Vproc.Routing.RouteEffect;

namespace Ssi.Vproc.Routing;

public enum RouteStage { Unborn, Here, Arriving, Forwarding, Stopping, Stopped, Gone }

/// <summary>
/// Every route to a PID starts at its origin's shard (at home, or standing in elsewhere while the origin is down).
/// While the process is elsewhere the entity there forwards (<see cref="Via"/>); when the process moves on from a node
/// that is not the origin, the origin switches only after a <see cref="Migration.Flush"/> along the old route came
/// back, holding what comes meanwhile, so nothing it sends later overtakes what it sent before.
/// <code>
///               Relocated, MovedTo
///   Unborn ---------------------------------------------> Forwarding (Via) &lt;--------------------.
///    | | |                                                 |   ^   |   |                         | FlushDone, or ESRCH
///    | | | Arrive             Arrive (what a switch held   |   |   |   | MovedTo newer, at the   | (no process): retire
///    | | v                    is handed over first)        |   |   |   v origin: Flush along Via | the place left, send
///    | | Arriving &lt;----------------------------------------'   |   |  Switching (holds messages, | what was held, start
///    | |  |  '--ArrivalFailed--> Forwarding (Via), or Unborn   |   |   queues later moves) ------' the next move
///    | |  | Arrived                                            |   |
///    | |  v       Left (away from the origin: MovedTo to it)   |   | Retire (at the origin: every away place too),
///    | '-Born-> Here ------------------------------------------'   | NodeLost of Via
///    |           '--Reaped--> Gone (at home: Retire every          v
///    |                 away place; elsewhere: Retire to  .----> Stopping (holds what comes)
///    |                 the origin)                       |         | ShardStops: what it held goes back through its shard
///    |--Retire, Flush, FlushDone, ChildMoved,            |         v
///    |  ParentMoved, GiveUp; anything else (ESRCH) ------'      Stopped &lt;--ShardStops-- Forwarding (at the origin: the
///    '--ShardStops-----------------------------------------------^        route goes ahead as Relocated, what a
///                                                                         switch held goes along Via)
/// </code>
/// Switching is Forwarding with <see cref="SwitchingTo"/> set (only at the origin). Here covers the process's own life
/// on this entity (running, stopped, leaving), which the process's entity handles, not the route.
/// </summary>
public sealed record ProcessRoute
{
    public required Pid Pid { get; init; }

    /// <summary>The node this entity runs on.</summary>
    public required NodeNumber Node { get; init; }

    /// <summary>
    /// The node whose shard holds this entity: its own, or one it stands in for while that node is down; null for init's
    /// shard, which belongs to no node.
    /// </summary>
    public required NodeNumber? ShardHome { get; init; }

    public RouteStage Stage { get; init; } = RouteStage.Unborn;

    /// <summary>Where this entity forwards (Forwarding), or forwarded before a process was offered here (Arriving).</summary>
    public Move? Via { get; init; }

    /// <summary>At the origin: the move whose flush is on its way along the old route.</summary>
    public Move? SwitchingTo { get; init; }

    /// <summary>At the origin: moves heard of while a switch was under way, to switch to in turn.</summary>
    public ImmutableQueue<Move> LaterMoves { get; init; } = [];

    /// <summary>Messages held while switching (Forwarding), or that came while stopping (Stopping), in order.</summary>
    public ImmutableList<HeldMessage> Held { get; init; } = [];

    /// <summary>
    /// At the origin: the other nodes the process has been on since this entity started, where forwarders may be left
    /// (a node it returns to reuses its forwarder). They are retired when the process is gone.
    /// </summary>
    public ImmutableSortedSet<NodeNumber> AwayPlaces { get; init; } = [];

    /// <summary>This entity is where the PID routes: in the origin's shard, at home or standing in (which keeps the route as the origin would).</summary>
    public bool IsOrigin => ShardHome == Pid.Origin;

    public static ProcessRoute Unborn(Pid pid, NodeNumber node, NodeNumber? shardHome) => new() { Pid = pid, Node = node, ShardHome = shardHome };

    /// <summary>
    /// Whether a live process on <paramref name="here"/> must tell its origin's route where it is (<see cref="Relocated"/>,
    /// repeated until noted) once <paramref name="lost"/> has left the cluster: the origin was lost, or the origin is
    /// down and the lost node may have been standing in for it, so a new stand-in starts without the route.
    /// </summary>
    public static bool MustAnnounceAfterLosing(Pid pid, NodeNumber here, NodeNumber lost, Func<NodeNumber, bool> nodeIsUp)
    {
        var origin = pid.Origin;
        return lost != here && origin != here && (origin == lost || origin is not { } o || !nodeIsUp(o));
    }

    public static (ProcessRoute Route, IReadOnlyList<RouteEffect> Effects) Decide(ProcessRoute route, RouteInput input) =>
        route.Stage switch
        {
            RouteStage.Unborn => route.WhenUnborn(input),
            RouteStage.Forwarding => route.WhenForwarding(input),
            RouteStage.Stopping => route.WhenStopping(input),
            RouteStage.Here => route.WhenHere(input),
            RouteStage.Arriving => route.WhenArriving(input),
            _ => (route, []),
        };

    private (ProcessRoute, IReadOnlyList<RouteEffect>) WhenUnborn(RouteInput input) => input switch
    {
        RouteInput.Born => (this with { Stage = RouteStage.Here }, []),
        RouteInput.ShardStops => (this with { Stage = RouteStage.Stopped }, [new StopNow()]),
        RouteInput.GiveUp => StopHere(),
        RouteInput.Received { Relayed: true } or RouteInput.Received { Message: not (Arrive or Relocated or MovedTo or Retire or Flush or FlushDone or ChildMoved or ParentMoved) } =>
            StopHere(new Reply(new Failed(Errno.ESRCH, $"no process {Pid}"))),
        RouteInput.Received { Message: Arrive arrive } => (this with { Stage = RouteStage.Arriving, Via = null }, [new BeginArrival(arrive, [])]),
        RouteInput.Received { Message: Relocated r } => BecomeForwarder(new Move(r.Node, r.Hop), new Reply(new RelocationNoted(r.Pid, r.Hop))),
        RouteInput.Received { Message: MovedTo m } => BecomeForwarder(new Move(m.Node, m.Hop)),
        RouteInput.Received => StopHere(), // Retire, Flush, FlushDone, ChildMoved, ParentMoved: nothing here to tell
        _ => (this, []),
    };

    private (ProcessRoute, IReadOnlyList<RouteEffect>) WhenForwarding(RouteInput input)
    {
        var via = Via!.Value;
        switch (input)
        {
            case RouteInput.Received { Relayed: false, Message: var message, Sender: var sender }:
                switch (message)
                {
                    case Arrive arrive:
                        // Messages held while switching the route were sent before anything that comes now.
                        var arriving = this with { Stage = RouteStage.Arriving, SwitchingTo = null, LaterMoves = [], Held = [] };
                        return (arriving, [new UnregisterForwarder(), new BeginArrival(arrive, Held)]);
                    case MovedTo moved when IsOrigin:
                        var noted = this with { AwayPlaces = AwayPlaces.Add(moved.Node) };
                        if (moved.Hop <= via.Hop) return (noted, []); // an older move than the route knows
                        return (noted with { LaterMoves = LaterMoves.Enqueue(new Move(moved.Node, moved.Hop)) }).SwitchIfIdle([]);
                    case FlushDone done when SwitchingTo is { } to && done.Hop == to.Hop: return Switched();
                    case Relocated r:
                        return (Relocate(new Move(r.Node, r.Hop)), [new Reply(new RelocationNoted(r.Pid, r.Hop))]);
                    case Retire:
                        // The process died elsewhere: at the origin, every place it was goes too.
                        var (retired, retires) = IsOrigin ? RetireAwayPlaces() : (this, []);
                        return retired.StopHere([.. AnswerHeldGone(), .. retires, new UnregisterForwarder()]);
                    case Flush flush: return (this, [new Forward(via.Node, flush, sender)]); // never held: it is what ends a hold
                }
                return Forward(message, sender);
            case RouteInput.Received relayed: return Forward(relayed.Message, relayed.Sender);
            case RouteInput.NoProcess when SwitchingTo is not null: return Switched(); // the process is gone
            // The place a switch leaves died: the process is not there (it is where the switch goes), and nothing sent
            // that way can still arrive after what is held, so the switch is complete.
            case RouteInput.NodeLost lost when lost.Node == via.Node && SwitchingTo is not null: return Switched(placeLeftIsGone: true);
            case RouteInput.NodeLost lost when lost.Node == via.Node: return StopHere(new UnregisterForwarder());
            // The node a switch goes to died, with no later move heard of: the process died there.
            case RouteInput.NodeLost lost when SwitchingTo?.Node == lost.Node && LaterMoves.IsEmpty:
                return StopHere([.. AnswerHeldGone(), new UnregisterForwarder()]);
            case RouteInput.ShardStops:
                // Its shard moves (its node leaves, or comes back and takes its shards home): the route must outlive
                // this entity, so it goes ahead to wherever the shard starts next, and what was held while switching
                // goes along the old route, after what went before.
                List<RouteEffect> effects = [];
                if (IsOrigin)
                {
                    effects.Add(new SendRouteAhead(new Relocated(Pid, via.Node, via.Hop)));
                    effects.AddRange(Held.Select(h => new Forward(via.Node, h.Message, h.Sender)));
                }
                effects.AddRange([new UnregisterForwarder(), new StopNow()]);
                return (this with { Stage = RouteStage.Stopped, Held = [] }, effects);
            default: return (this, []);
        }
    }

    private (ProcessRoute, IReadOnlyList<RouteEffect>) WhenStopping(RouteInput input) => input switch
    {
        RouteInput.Received r => (this with { Held = Held.Add(new HeldMessage(r.Message, r.Sender, r.Relayed)) }, []),
        // Back to this same shard (it may stand in for another node's), which starts a new entity for them.
        RouteInput.ShardStops => (this with { Stage = RouteStage.Stopped, Held = [] },
            [.. Held.Select(h => ShardHome is { } home ? new Forward(home, h.Message, h.Sender, h.Relayed) : (RouteEffect)new ForwardByPid(h.Message, h.Sender)), new StopNow()]),
        _ => (this, []),
    };

    private (ProcessRoute, IReadOnlyList<RouteEffect>) WhenHere(RouteInput input)
    {
        switch (input)
        {
            case RouteInput.Left left:
                // Only the origin hears of moves by itself: any other place tells it where the process went.
                RouteEffect[] tell = IsOrigin ? [] : [new TellOrigin(new MovedTo(Pid, left.Node, left.Hop))];
                return BecomeForwarder(new Move(left.Node, left.Hop), tell);
            case RouteInput.Reaped:
                if (Pid.Origin != Node)
                    return (this with { Stage = RouteStage.Gone }, [new TellOrigin(new Retire(Pid))]); // its origin forwards no more
                var (gone, retires) = RetireAwayPlaces(); // home: the forwarders it left elsewhere go
                return (gone with { Stage = RouteStage.Gone }, retires);
            default: return (this, []);
        }
    }

    private (ProcessRoute, IReadOnlyList<RouteEffect>) WhenArriving(RouteInput input) => input switch
    {
        RouteInput.Arrived => (this with { Stage = RouteStage.Here, Via = null }, []),
        RouteInput.ArrivalFailed when Via is { } before => BecomeForwarder(before),
        RouteInput.ArrivalFailed => (this with { Stage = RouteStage.Unborn }, []),
        _ => (this, []),
    };

    /// <summary>
    /// The process says where it is (after a node was lost). Mid-switch the route stays as it is: the switch ends when
    /// its flush comes back or the place it leaves is lost, and a newer place is the next switch.
    /// </summary>
    private ProcessRoute Relocate(Move at)
    {
        var route = IsOrigin ? this with { AwayPlaces = AwayPlaces.Add(at.Node) } : this;
        if (SwitchingTo is { } to) return at.Hop > to.Hop ? route with { LaterMoves = LaterMoves.Enqueue(at) } : route;
        return at.Hop >= Via!.Value.Hop ? route with { Via = at } : route;
    }

    private (ProcessRoute, IReadOnlyList<RouteEffect>) BecomeForwarder(Move to, params RouteEffect[] first)
    {
        var route = this with { Stage = RouteStage.Forwarding, Via = to, AwayPlaces = IsOrigin ? AwayPlaces.Add(to.Node) : AwayPlaces };
        return (route, [.. first, new RegisterForwarder()]);
    }

    private (ProcessRoute, IReadOnlyList<RouteEffect>) StopHere(params RouteEffect[] first) =>
        (this with { Stage = RouteStage.Stopping, Held = [] }, [.. first, new Passivate()]);

    /// <summary>Sends on along the route, or holds the message while the origin switches it.</summary>
    private (ProcessRoute, IReadOnlyList<RouteEffect>) Forward(IWithPid message, object? sender) =>
        SwitchingTo is not null && IsOrigin
            ? (this with { Held = Held.Add(new HeldMessage(message, sender)) }, [])
            : (this, [new Forward(Via!.Value.Node, message, sender)]);

    /// <summary>Starts the next switch of the origin's route, if none is under way.</summary>
    private (ProcessRoute, IReadOnlyList<RouteEffect>) SwitchIfIdle(IReadOnlyList<RouteEffect> before)
    {
        if (SwitchingTo is not null) return (this, before);
        var queue = LaterMoves;
        while (!queue.IsEmpty)
        {
            queue = queue.Dequeue(out var next);
            if (next.Hop <= Via!.Value.Hop) continue; // older than the route already is
            return (this with { LaterMoves = queue, SwitchingTo = next }, [.. before, new FlushRoute(Via.Value.Node, next.Hop)]);
        }
        return (this with { LaterMoves = queue }, before);
    }

    /// <summary>The process is gone: whoever sent what the switch held hears ESRCH rather than nothing.</summary>
    private IEnumerable<RouteEffect> AnswerHeldGone() =>
        Held.Select(h => (RouteEffect)new Answer(h.Sender, new Failed(Errno.ESRCH, $"no process {Pid}")));

    private (ProcessRoute, IReadOnlyList<RouteEffect>) Switched(bool placeLeftIsGone = false)
    {
        var from = Via!.Value;
        var to = SwitchingTo!.Value;
        List<RouteEffect> effects = [];
        // The flush came back through the place the process left, so that place has forwarded all it will ever get:
        // nothing routes there any more (every route to a PID starts here), and its forwarder can go.
        if (!placeLeftIsGone && from.Node != ShardHome && from.Node != to.Node) effects.Add(new RetireForwarder(from.Node));
        effects.AddRange(Held.Select(h => new Forward(to.Node, h.Message, h.Sender)));
        return (this with { Via = to, SwitchingTo = null, Held = [] }).SwitchIfIdle(effects);
    }

    private (ProcessRoute, IReadOnlyList<RouteEffect>) RetireAwayPlaces() =>
        (this with { AwayPlaces = [] }, [.. AwayPlaces.Where(n => n != ShardHome).Select(n => new RetireForwarder(n))]);
}
