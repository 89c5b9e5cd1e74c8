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
    private sealed record Departure(NodeNumber Target, IActorRef? Requester)
    {
        public long AskedAt { get; init; } = Stopwatch.GetTimestamp();
        public long LeavingAt { get; set; }
        public long OfferedAt { get; set; }
        public bool Trace { get; init; }
    }

    /// <summary>No answer to the offer of the <see cref="Hop"/>th move in time.</summary>
    private sealed record ArrivalTimedOut(long Hop);

    private ICancelable? _arrivalTimer;

    private Departure? _migration;
    private bool _moving;
    private DateTime _sleepUntil;
    private readonly List<(object Message, IActorRef Sender)> _heldDuringMove = [];
    private SystemCall? _reissue;
    private PendingTerminalRead? _reading;

    /// <summary>The node whose shard holds this entity: its own, or one it stands in for while that node is down.</summary>
    private NodeNumber? ShardHome => ProcessShardExtractor.HomeOf(Context.Parent.Path.Name);

    private bool NodeIsUp(NodeNumber node)
    {
        var cluster = Cluster.Get(Context.System);
        return cluster.State.Members.Any(m => m.Status == MemberStatus.Up && !cluster.State.Unreachable.Contains(m)
            && NodeNumber.TryFromRoles(m.Roles, out var n) && n == node);
    }

    /// <summary>Why a move to <paramref name="target"/> by <paramref name="uid"/> cannot start, or null if it can.</summary>
    private Failed? RefuseMove(NodeNumber target, int uid) =>
        MoveRules.Refuse(_state, _migration is not null || _moving, target, uid, _node.Node, NodeIsUp);

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
        _migration = new Departure(migrate.Node, replyTo) { Trace = migrate.Trace };
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
        _migration = new Departure(target, null);
        _image!.Context.Result = result ?? SysResult.Ok(0);
        Depart(thenCall);
        return null;
    }

    /// <summary>Leaves now if the process is at a boundary; else when the call in flight ends (or is cancelled).</summary>
    private void TryDepart()
    {
        if (_migration is null) return;
        var inFlight = _call is { } call
            ? new CallInFlight(call.Id, call.Call, call.Interruptible, _cancelling,
                call.Call switch
                {
                    Programs.Sleep => _sleepUntil - DateTime.UtcNow,
                    Read => _readDeadline - DateTime.UtcNow,
                    _ => null,
                })
            : null;
        switch (MoveRules.WhenToLeave(inFlight))
        {
            case Leave.Now now:
                if (_call is not null) Forget();
                Depart(now.Reissue);
                break;
            case Leave.WithRead read:
                Forget();
                Depart(null, read.Reading);
                break;
            default: break; // Finish departs once the call is done
        }
    }

    /// <summary>The call in flight is not waited for here any more: it goes along, or is made again on arrival.</summary>
    private void Forget()
    {
        _call = null;
        _sleepTimer?.Cancel();
    }

    private bool _readTimedOut;

    /// <summary>A terminal read with a timeout had nothing in time: it is cancelled and ends with EAGAIN.</summary>
    private void ReadTimeout(ReadTimedOut timedOut)
    {
        if (_call is not { Call: Read } call || call.Id != timedOut.CallId || _cancelling) return;
        _readTimedOut = true;
        _cancelling = true;
        call.Cancel!();
    }

    /// <summary>The device gave up the read: it timed out (EAGAIN) or a signal interrupted it (EINTR).</summary>
    private void ReadCancelled() => Finish(SysResult.Fail(_readTimedOut ? Errno.EAGAIN : Errno.EINTR));

    /// <summary>Captures everything and offers it to the target; messages that come meanwhile are held, in order.</summary>
    private void Depart(SystemCall? reissue, PendingTerminalRead? reading = null)
    {
        var target = _migration!.Target;
        _migration.LeavingAt = Stopwatch.GetTimestamp();
        byte[] snapshot;
        try
        {
            snapshot = _image!.Capture();
        }
        catch (Exception e)
        {
            _log.Info("process {0} cannot move, its program's state is not plain data: {1}", _pid, e.Message);
            Rollback(new Failed(Errno.EINVAL, "the program's state cannot be moved"), reissue, reading);
            return;
        }
        _moving = true;
        _reissue = reissue;
        _reading = reading;
        var state = MoveRules.Departing(_state, target, _stopped, reading is not null);
        var arrive = new Arrive(_pid, state, snapshot, reissue, _stopped, _exitWatcher) { Reading = reading, CallIds = _callIds };
        Become(Departing);
        // Told, not asked: the answer comes straight to this entity, with no temporary actor or piped task between.
        _migration.OfferedAt = Stopwatch.GetTimestamp(); // before the Tell: the target may have it before this thread runs on
        Region.Tell(new AtNode(target, arrive), Self);
        _arrivalTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_node.Settings.ArrivalTimeout, Self, new ArrivalTimedOut(state.Hop), Self);
    }

    private void Departing(object message)
    {
        var hop = _state.Hop + 1;
        switch (message)
        {
            case ReadyToArrive ready when ready.Hop == hop:
                _arrivalTimer?.Cancel();
                Commit(ready);
                break;
            case ArrivalRefused refused when refused.Hop == hop:
                _arrivalTimer?.Cancel();
                Rollback(refused.Why, _reissue, _reading);
                break;
            case ArrivalTimedOut timedOut when timedOut.Hop == hop:
                Region.Tell(new AtNode(_migration!.Target, new AbortArrival(_pid)), Self);
                Rollback(new Failed(Errno.ETIMEDOUT, $"node {_migration.Target} did not take process {_pid} in time"), _reissue, _reading);
                break;
            case RelayedMessage relayed: _heldDuringMove.Add((relayed.Message, Sender)); break;
            case IWithPid held: _heldDuringMove.Add((held, Sender)); break;
            case CallCompleted late: LateReply(late.Outcome); break;
            case ProcessEntity.Stop: _heldDuringMove.Add((message, Sender)); break;
            default: break; // timers and turns of the program that left
        }
    }

    /// <summary>The target holds the process: relay what was held, then hand over, then forward everything.</summary>
    private void Commit(ReadyToArrive ready)
    {
        var confirmed = Stopwatch.GetTimestamp();
        var target = _migration!.Target;
        var hop = _state.Hop + 1;
        foreach (var (held, sender) in _heldDuringMove)
            if (held is IWithPid m) Region.Tell(new AtNode(target, m, Relayed: true), sender);
        _heldDuringMove.Clear();
        Region.Tell(new AtNode(target, new HandoffDone(_pid)), Self);
        _node.Index.Tell(new LocalProcesses.Unregister(_pid));
        _migration.Requester?.Tell(new Migrated(_pid, target, !_migration.Trace ? null
            : new MoveTrace(_migration.AskedAt, _migration.LeavingAt, _migration.OfferedAt, ready.GotAt, ready.ReadyAt, confirmed)));
        _log.Debug("process {0} moved to node {1} (hop {2})", _pid, target, hop);
        _migration = null;
        _moving = false;
        _reading = null;
        _image = null;
        _state = null!;
        _exitWatcher = null;
        Route(new RouteInput.Left(target, hop)); // a forwarder now; the origin hears where the process went
    }

    private void Rollback(Failed why, SystemCall? reissue, PendingTerminalRead? reading)
    {
        var requester = _migration?.Requester;
        _migration = null;
        _moving = false;
        _reading = null;
        Become(Alive);
        requester?.Tell(why);
        if (requester is null && _image is not null)
        {
            // The program's own migrate (or rexec) failed: it gets the errno, and rexec does not exec here.
            _image.Context.Result = SysResult.Fail(why.Errno);
            reissue = null;
        }
        if (reading is not null) KeepReading(reading);
        else Resume(reissue);
        Drain();
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
