// The place a process left: it forwards everything to where the process went; at the origin it also keeps the route.
using Akka.Actor;
using Akka.Cluster.Sharding;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.Pids;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    private int _target;
    private long _hop;
    private (int Target, long Hop)? _switching;
    private readonly Queue<(int Target, long Hop)> _laterMoves = new();
    private readonly List<(IWithPid Message, IActorRef Sender)> _whileSwitching = [];

    /// <summary>
    /// At the origin: the other nodes the process has been on since this entity started, where forwarders may be left
    /// (a node it returns to reuses its forwarder). They are retired when the process is gone.
    /// </summary>
    private readonly HashSet<int> _awayPlaces = [];

    private void RetireAwayPlaces()
    {
        foreach (var node in _awayPlaces.Where(n => n != ShardHome)) Region.Tell(new AtNode(node, new Retire(_pid)), ActorRefs.NoSender);
        _awayPlaces.Clear();
    }

    private void BecomeForwarder(int target, long hop)
    {
        if (IsOrigin) _awayPlaces.Add(target);
        _target = target;
        _hop = hop;
        _node.Index.Tell(new LocalProcesses.RegisterForwarder(_pid, Self));
        Become(Forwarding);
    }

    private void Forwarding(object message)
    {
        switch (message)
        {
            case Arrive arrive:
                _node.Index.Tell(new LocalProcesses.UnregisterForwarder(_pid));
                // Messages the origin held while switching its route were sent before anything that comes now.
                foreach (var (m, s) in _whileSwitching) _directOnArrival.Add((m, s));
                _whileSwitching.Clear();
                _switching = null;
                _laterMoves.Clear();
                Arriving(arrive, (_target, _hop));
                break;
            case MovedTo moved when IsOrigin:
                _awayPlaces.Add(moved.Node);
                if (moved.Hop <= _hop) break;
                _laterMoves.Enqueue((moved.Node, moved.Hop));
                SwitchIfIdle();
                break;
            case FlushDone done when _switching is { } to && done.Hop == to.Hop: Switched(); break;
            case Failed { Errno: Errno.ESRCH } when _switching is not null: Switched(); break; // the process is gone
            case Relocated relocated:
                if (relocated.Hop >= _hop)
                {
                    _target = relocated.Node;
                    _hop = relocated.Hop;
                }
                Sender.Tell(new RelocationNoted(relocated.Pid, relocated.Hop));
                break;
            case Retire or NodeLost when message is Retire || ((NodeLost)message).Node == _target:
                if (message is Retire && IsOrigin) RetireAwayPlaces(); // the process died elsewhere
                _node.Index.Tell(new LocalProcesses.UnregisterForwarder(_pid));
                StopHere();
                break;
            case NodeLost: break;
            case Flush flush: Region.Tell(new AtNode(_target, flush), Sender); break;
            case RelayedMessage relayed: Forward(relayed.Message, Sender); break;
            case IWithPid m: Forward(m, Sender); break;
            case Stop:
                // Its shard moves (its node leaves, or comes back and takes its shards home): the route must outlive
                // this entity, so it goes ahead to wherever the shard starts next.
                if (IsOrigin)
                {
                    Region.Tell(new Relocated(_pid, _target, _hop), ActorRefs.Nobody);
                    // Held while a switch was under way: the old route still forwards them, after what went before.
                    foreach (var (m, s) in _whileSwitching) Region.Tell(new AtNode(_target, m), s);
                    _whileSwitching.Clear();
                }
                _node.Index.Tell(new LocalProcesses.UnregisterForwarder(_pid));
                Context.Stop(Self);
                break;
            default: break;
        }
    }

    private void Forward(IWithPid message, IActorRef sender)
    {
        if (_switching is not null && IsOrigin) _whileSwitching.Add((message, sender));
        else Region.Tell(new AtNode(_target, message), sender);
    }

    /// <summary>Starts the next switch of the origin's route, if none is under way.</summary>
    private void SwitchIfIdle()
    {
        if (_switching is not null || !_laterMoves.TryDequeue(out var next)) return;
        if (next.Hop <= _hop) return;
        _switching = next;
        Region.Tell(new AtNode(_target, new Flush(_pid, next.Hop)), Self);
    }

    private void Switched()
    {
        var (target, hop) = _switching!.Value;
        _switching = null;
        // The flush came back through the place the process left, so that place has forwarded all it will ever get:
        // nothing routes there any more (every route to a PID starts here), and its forwarder can go.
        if (_target != ShardHome && _target != target) Region.Tell(new AtNode(_target, new Retire(_pid)), ActorRefs.NoSender);
        _target = target;
        _hop = hop;
        foreach (var (m, s) in _whileSwitching) Region.Tell(new AtNode(_target, m), s);
        _whileSwitching.Clear();
        SwitchIfIdle();
    }
}
