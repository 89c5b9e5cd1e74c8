// Moving a process: it leaves at a system-call boundary, arrives with its whole state, and no message is lost,
// repeated or overtaken on the way.
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Routing;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// A move, from the entity's side (docs/processes.md, "Migration"):
/// <code>
///   Alive --migrate--> (at the next boundary) Departing --ReadyToArrive--> Forwarding (a tombstone: relays to the new place)
///                                               \--no answer--> AbortArrival, Alive again, here
///   Unborn/Forwarding --Arrive--> Arriving --HandoffDone--> Alive (relayed messages first, then direct ones)
/// </code>
/// A process's PID routes to its origin node. While it is elsewhere the origin's entity is a forwarder; when the
/// process moves on, the origin switches to the new place only after a <see cref="Flush"/> along the old route came
/// back, so a message sent later never overtakes one sent earlier.
/// </summary>
public sealed partial class ProcessEntity
{
    /// <summary>No answer to the offer of the <see cref="Hop"/>th move in time.</summary>
    private sealed record ArrivalTimedOut(long Hop);

    /// <summary>The move under way, leaving or arriving; its steps are the core's (<see cref="ProcessMove"/>).</summary>
    private ProcessMove _move = ProcessMove.Still;

    private ICancelable? _arrivalTimer;

    /// <summary>The process is offered to another node: it runs no step and takes no message until the answer.</summary>
    private bool Offered => _move.Stage == MoveStage.Offered;

    /// <summary>The node whose shard holds this entity: its own, or one it stands in for while that node is down.</summary>
    private NodeNumber? ShardHome => ProcessShardExtractor.HomeOf(Context.Parent.Path.Name);

    private bool NodeIsUp(NodeNumber node)
    {
        var cluster = Cluster.Get(Context.System);
        return cluster.State.Members.Any(m => m.Status == MemberStatus.Up && !cluster.State.Unreachable.Contains(m)
            && NodeNumber.TryFromRoles(m.Roles, out var n) && n == node);
    }

    /// <summary>Why a move to <paramref name="target"/> by <paramref name="uid"/> cannot start, or null if it can.</summary>
    private Failed? RefuseMove(NodeNumber target, int uid) => MoveRules.Refuse(_state, _move.Leaving, target, uid, _node.Node, NodeIsUp);

    private void StartMigration(MigrateProcess migrate, IActorRef replyTo)
    {
        if (RefuseMove(migrate.Node, migrate.RequesterUid) is { } refused)
        {
            replyTo.Tell(refused);
            return;
        }
        if (migrate.Node == _node.Node)
        {
            replyTo.Tell(new Migrated(_pid, _node.Node)); // already there
            return;
        }
        Move(new MoveInput.Ask(migrate.Node, replyTo, migrate.Trace, Stopwatch.GetTimestamp()));
        TryDepart();
    }

    /// <summary>
    /// The migrate system call (and rexec, and writing its own /proc/PID/goto): the program continues on the target
    /// with <paramref name="result"/> (0 by default), or gets the errno here.
    /// </summary>
    private SysResult? MigrateSelf(NodeNumber target, SystemCall? thenCall, SysResult? result = null)
    {
        if (RefuseMove(target, 0) is { } refused) return SysResult.Fail(refused.Errno);
        if (target == _node.Node) return thenCall is null ? result ?? SysResult.Ok(0) : Dispatch(thenCall);
        Move(new MoveInput.Ask(target, null, false, Stopwatch.GetTimestamp()));
        _image!.Context.Result = result ?? SysResult.Ok(0);
        Depart(thenCall);
        return null;
    }

    /// <summary>Leaves now if the process is at a boundary; else when the call in flight ends (or is cancelled).</summary>
    private void TryDepart()
    {
        if (_move.Stage != MoveStage.Asked) return;
        switch (MoveRules.WhenToLeave(_calls.Call?.AsMoveSees(DateTimeOffset.UtcNow)))
        {
            case Leave.Now now:
                Call(new CallInput.Forget());
                Depart(now.Reissue);
                break;
            case Leave.WithRead read:
                Call(new CallInput.Forget());
                Depart(null, read.Reading);
                break;
            default: break; // Finish departs once the call is done
        }
    }

    /// <summary>Captures everything and offers it to the target; messages that come meanwhile are held, in order.</summary>
    private void Depart(SystemCall? reissue, PendingTerminalRead? reading = null)
    {
        var leavingAt = Stopwatch.GetTimestamp();
        byte[] snapshot;
        try
        {
            snapshot = _image!.Capture();
        }
        catch (Exception e)
        {
            _log.Info("process {0} cannot move, its program's state is not plain data: {1}", _pid, e.Message);
            Move(new MoveInput.CannotLeave(new Failed(Errno.EINVAL, "the program's state cannot be moved"), reissue, reading));
            return;
        }
        var state = MoveRules.Departing(_state, _move.Target, IsStopped, reading is not null);
        _offer = new Arrive(_pid, state, snapshot, reissue, IsStopped, _exitWatcher) { Reading = reading, CallIds = _calls.LastId };
        Become(Departing);
        // Stamped before the Tell: the target may have the offer before this thread runs on.
        Move(new MoveInput.Leave(state.Hop, reissue, reading, leavingAt, Stopwatch.GetTimestamp()));
    }

    /// <summary>The offer being made; the target answers it (told, not asked: no temporary actor between).</summary>
    private Arrive? _offer;

    private void Departing(object message)
    {
        switch (message)
        {
            case ReadyToArrive ready:
                if (ready.Hop == _move.Hop) _readyAt = (ready.GotAt, ready.ReadyAt); // the target's stamps, for the trace
                Move(new MoveInput.Ready(ready.Hop));
                break;
            case ArrivalRefused refused: Move(new MoveInput.Refused(refused.Hop, refused.Why)); break;
            case ArrivalTimedOut timedOut: Move(new MoveInput.TimedOut(timedOut.Hop)); break;
            case RelayedMessage relayed: Move(new MoveInput.Received(relayed.Message, Sender)); break;
            case IWithPid or ProcessEntity.Stop: Move(new MoveInput.Received(message, Sender)); break;
            case CallInput.Replied late: LateReply(late.Outcome); break;
            default: break; // timers and turns of the program that left
        }
    }

    private (long GotAt, long ReadyAt) _readyAt;

    private void Move(MoveInput input)
    {
        var (move, effects) = ProcessMove.Decide(_move, input);
        _move = move;
        foreach (var effect in effects) Carry(effect);
    }

    private void Carry(MoveEffect effect)
    {
        switch (effect)
        {
            case MoveEffect.MakeOffer offer:
                Region.Tell(new AtNode(offer.Target, _offer!), Self);
                _arrivalTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_node.Settings.ArrivalTimeout, Self, new ArrivalTimedOut(offer.Hop), Self);
                break;
            case MoveEffect.Withdraw w: Region.Tell(new AtNode(w.Target, new AbortArrival(_pid)), Self); break;
            case MoveEffect.Relay r: Region.Tell(new AtNode(r.Target, r.Message, Relayed: true), SenderOf(r.Sender)); break;
            case MoveEffect.HandOff h: Region.Tell(new AtNode(h.Target, new HandoffDone(_pid)), Self); break;
            case MoveEffect.Gone gone: MovedAway(gone); break;
            case MoveEffect.Stay stay: Stay(stay); break;
            case MoveEffect.ResumeHere resume:
                if (resume.Reading is { } reading) KeepReading(reading);
                else Resume(resume.Reissue);
                break;
            case MoveEffect.Deliver deliver: Deliver(deliver.Messages); break;
            case MoveEffect.Arrived arrived: Arrived(arrived.Offer); break;
            case MoveEffect.NotArrived not:
                _image = null;
                Route(new RouteInput.ArrivalFailed());
                foreach (var kept in not.SendAgain) Self.Tell(kept.Message, SenderOf(kept.Sender));
                break;
            default: throw new InvalidOperationException($"no way to carry out {effect}");
        }
    }

    /// <summary>The target holds the process (what was held went ahead): answer, drop the process, and forward from now on.</summary>
    private void MovedAway(MoveEffect.Gone gone)
    {
        _arrivalTimer?.Cancel();
        _node.Index.Tell(new LocalProcesses.Unregister(_pid));
        SenderOf(gone.Requester)?.Tell(new Migrated(_pid, gone.Target, !gone.Trace ? null
            : new MoveTrace(gone.AskedAt, gone.LeavingAt, gone.OfferedAt, _readyAt.GotAt, _readyAt.ReadyAt, Stopwatch.GetTimestamp())));
        _log.Debug("process {0} moved to node {1} (hop {2})", _pid, gone.Target, gone.Hop);
        _offer = null;
        _image = null;
        _state = null!;
        _exitWatcher = null;
        Route(new RouteInput.Left(gone.Target, gone.Hop)); // a forwarder now; the origin hears where the process went
    }

    /// <summary>The move failed: the requester hears why, or the program's own move (or rexec) ends with the errno.</summary>
    private void Stay(MoveEffect.Stay stay)
    {
        _arrivalTimer?.Cancel();
        _offer = null;
        Become(Alive);
        if (SenderOf(stay.Requester) is { } requester) requester.Tell(stay.Why);
        else if (_image is not null) _image.Context.Result = SysResult.Fail(stay.Why.Errno);
    }

    private void Pin(PinProcess pin)
    {
        var (state, reply) = MoveRules.Pin(_state, pin);
        if (!ReferenceEquals(state, _state))
        {
            _state = state;
            Publish();
        }
        ReplyTo.Tell(reply);
    }

    private void ChildHasMoved(ChildMoved moved) => _state = MoveRules.ChildMoved(_state, moved.Child, moved.Node);
}
