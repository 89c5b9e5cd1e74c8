// What the route of one PID is told and what it asks its entity to do: plain values, no actors (senders are opaque tokens).
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Vproc.Routing;

/// <summary>A place the process went to: the node and the number of the move that took it there.</summary>
public readonly record struct Move(NodeNumber Node, long Hop);

/// <summary>A message kept by the route to send on later, with its sender's token (whatever the entity uses for one).</summary>
public sealed record HeldMessage(IWithPid Message, object? Sender, bool Relayed = false);

/// <summary>Something that happened to the entity of the PID, as far as its route is concerned.</summary>
public abstract record RouteInput
{
    /// <summary>A message for the PID came to this entity (<see cref="Relayed"/>: it was sent on by a place the process left).</summary>
    public sealed record Received(IWithPid Message, object? Sender, bool Relayed = false) : RouteInput;

    /// <summary>An ESRCH answer came back: what the route sent along found no process.</summary>
    public sealed record NoProcess : RouteInput;

    /// <summary>A node left the cluster.</summary>
    public sealed record NodeLost(NodeNumber Node) : RouteInput;

    /// <summary>The shard stops this entity (a passivation asked for, or the shard moving to another node).</summary>
    public sealed record ShardStops : RouteInput;

    /// <summary>The process was born here.</summary>
    public sealed record Born : RouteInput;

    /// <summary>The entity holds no process and asks to go (a spawn it could not take).</summary>
    public sealed record GiveUp : RouteInput;

    /// <summary>The handoff is done: the process that arrived runs here now.</summary>
    public sealed record Arrived : RouteInput;

    /// <summary>The process offered here did not come after all (refused or aborted): the route before it stands again.</summary>
    public sealed record ArrivalFailed : RouteInput;

    /// <summary>The process left for <see cref="Node"/>, its <see cref="Hop"/>th move (the target confirmed).</summary>
    public sealed record Left(NodeNumber Node, long Hop) : RouteInput;

    /// <summary>The process ended here and was reaped.</summary>
    public sealed record Reaped : RouteInput;
}

/// <summary>What the route asks its entity to do, in order.</summary>
public abstract record RouteEffect
{
    /// <summary>Send <see cref="Message"/> to the PID's entity on <see cref="Node"/> (an <see cref="AtNode"/>), from <see cref="Sender"/>.</summary>
    public sealed record Forward(NodeNumber Node, IWithPid Message, object? Sender, bool Relayed = false) : RouteEffect;

    /// <summary>Send <see cref="Message"/> by its PID (through the shard region), from <see cref="Sender"/>.</summary>
    public sealed record ForwardByPid(IWithPid Message, object? Sender) : RouteEffect;

    /// <summary>A <see cref="Migration.Flush"/> along the route through <see cref="Node"/>, answered to this entity.</summary>
    public sealed record FlushRoute(NodeNumber Node, long Hop) : RouteEffect;

    /// <summary>Tell the forwarder on <see cref="Node"/> that it is on no route any more.</summary>
    public sealed record RetireForwarder(NodeNumber Node) : RouteEffect;

    /// <summary>Tell whoever routes the PID (its origin's shard, wherever it stands), from no sender.</summary>
    public sealed record TellOrigin(IWithPid Message) : RouteEffect;

    /// <summary>The route goes ahead of this entity to the next one of its shard (from nobody: no answer is awaited).</summary>
    public sealed record SendRouteAhead(Relocated Route) : RouteEffect;

    /// <summary>Answer the sender of the message being handled.</summary>
    public sealed record Reply(ISsiMessage Message) : RouteEffect;

    /// <summary>Answer the sender of a message held earlier (by its token).</summary>
    public sealed record Answer(object? Sender, ISsiMessage Message) : RouteEffect;

    /// <summary>Take the process that arrives; <see cref="SentBefore"/> were sent to it before anything that comes now.</summary>
    public sealed record BeginArrival(Arrive Arrive, IReadOnlyList<HeldMessage> SentBefore) : RouteEffect;

    /// <summary>The node's index lists this entity as the PID's forwarder (node-loss news reaches it).</summary>
    public sealed record RegisterForwarder : RouteEffect;

    public sealed record UnregisterForwarder : RouteEffect;

    /// <summary>Ask the shard to stop this entity; it holds what comes meanwhile.</summary>
    public sealed record Passivate : RouteEffect;

    /// <summary>Stop this entity now.</summary>
    public sealed record StopNow : RouteEffect;
}
