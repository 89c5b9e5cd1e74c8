// The entity's side of its route: it feeds what comes to the pure ProcessRoute and carries out what it decides.
using Akka.Actor;
using Akka.Cluster.Sharding;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Routing;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>Where this entity routes the PID (docs/processes.md, "The route"); it outlives the process's stay here.</summary>
    private ProcessRoute _route = null!;

    private void Route(RouteInput input)
    {
        var before = _route.Stage;
        var (route, effects) = ProcessRoute.Decide(_route, input);
        _route = route;
        // The route's stages that the entity serves with a behaviour of its own; the others belong to the process.
        if (route.Stage != before)
        {
            switch (route.Stage)
            {
                case RouteStage.Unborn: Become(OnReceive); break;
                case RouteStage.Forwarding: Become(Forwarding); break;
                case RouteStage.Stopping: Become(Stopping); break;
                default: break;
            }
        }
        foreach (var effect in effects) Carry(effect);
    }

    private void Carry(RouteEffect effect)
    {
        switch (effect)
        {
            case RouteEffect.Forward f: Region.Tell(new AtNode(f.Node, f.Message, f.Relayed), SenderOf(f.Sender)); break;
            case RouteEffect.ForwardByPid f: Region.Tell(f.Message, SenderOf(f.Sender)); break;
            case RouteEffect.FlushRoute f: Region.Tell(new AtNode(f.Node, new Flush(_pid, f.Hop)), Self); break;
            case RouteEffect.RetireForwarder r: Region.Tell(new AtNode(r.Node, new Retire(_pid)), ActorRefs.NoSender); break;
            case RouteEffect.TellOrigin t: Region.Tell(t.Message, ActorRefs.NoSender); break;
            case RouteEffect.SendRouteAhead ahead: Region.Tell(ahead.Route, ActorRefs.Nobody); break;
            case RouteEffect.Reply reply: Sender.Tell(reply.Message); break;
            case RouteEffect.Answer answer: SenderOf(answer.Sender)?.Tell(answer.Message); break;
            case RouteEffect.BeginArrival arrival:
                Arriving(arrival.Arrive, [.. arrival.SentBefore.Select(h => new KeptMessage(h.Message, h.Sender))]);
                break;
            case RouteEffect.RegisterForwarder: _node.Index.Tell(new LocalProcesses.RegisterForwarder(_pid, Self)); break;
            case RouteEffect.UnregisterForwarder: _node.Index.Tell(new LocalProcesses.UnregisterForwarder(_pid)); break;
            case RouteEffect.Passivate: Context.Parent.Tell(new Passivate(Stop.Instance)); break;
            case RouteEffect.StopNow: Context.Stop(Self); break;
            default: throw new InvalidOperationException($"no way to carry out {effect}");
        }
    }

    private static IActorRef? SenderOf(object? token) => token as IActorRef;

    /// <summary>The place a process left: it forwards everything to where the process went; at the origin it also keeps the route.</summary>
    private void Forwarding(object message)
    {
        switch (message)
        {
            case Failed { Errno: Errno.ESRCH }: Route(new RouteInput.NoProcess()); break;
            case NodeLost lost: Route(new RouteInput.NodeLost(lost.Node)); break;
            case Stop: Route(new RouteInput.ShardStops()); break;
            case RelayedMessage relayed: Route(new RouteInput.Received(relayed.Message, Sender, Relayed: true)); break;
            case IWithPid m: Route(new RouteInput.Received(m, Sender)); break;
            default: break;
        }
    }

    /// <summary>
    /// Asks the shard to stop this entity (it holds no process). Messages already on their way here (a process that
    /// arrives, a relayed message) are kept and sent back through the shard when it stops, so the next entity of
    /// this PID on this node gets them: the shard holds everything for a stopping entity and starts a new one after.
    /// </summary>
    private void StopHere() => Route(new RouteInput.GiveUp());

    private void Stopping(object message)
    {
        switch (message)
        {
            case Stop: Route(new RouteInput.ShardStops()); break;
            case RelayedMessage r: Route(new RouteInput.Received(r.Message, Sender, Relayed: true)); break;
            case IWithPid m: Route(new RouteInput.Received(m, Sender)); break;
            default: break; // timers and late replies: nothing waits for them
        }
    }
}
