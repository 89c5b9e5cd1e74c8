// Arriving: a process offered to this node is restored, waits for the old place's handoff, and then runs on where it stopped.
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Routing;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    /// <summary>A process offered here; the route keeps what this entity did before, for an arrival that fails.</summary>
    private void Arriving(Arrive arrive, IReadOnlyList<KeptMessage> sentBefore)
    {
        var got = Stopwatch.GetTimestamp();
        if (ShardHome is { } home && home != _node.Node)
        {
            // The shard is away from its node, so the coordinator will move it home and stop this entity on the way:
            // a process that arrived here would die with it (docs/processes.md, "Placement").
            RefuseArrival(arrive, sentBefore, new Failed(Errno.EAGAIN, $"node {home} is not ready to take processes yet (its shard is on node {_node.Node})"));
            return;
        }
        try
        {
            _image = ProgramImage.Restore(arrive.Snapshot);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Warning("process {0} cannot arrive here: {1}", _pid, e.Message);
            RefuseArrival(arrive, sentBefore, new Failed(Errno.ENOEXEC, $"cannot resume the program here: {e.Message}"));
            return;
        }
        Move(new MoveInput.Arrive(arrive, sentBefore));
        Sender.Tell(new ReadyToArrive(_pid, arrive.State.Hop, got, Stopwatch.GetTimestamp()));
        Become(WaitingForHandoff);
    }

    /// <summary>The offer is refused: the old place keeps the process, and this entity routes the PID as before.</summary>
    private void RefuseArrival(Arrive arrive, IReadOnlyList<KeptMessage> sentBefore, Failed why)
    {
        Sender.Tell(new ArrivalRefused(_pid, arrive.State.Hop, why));
        Route(new RouteInput.ArrivalFailed());
        foreach (var kept in sentBefore) Self.Tell(kept.Message, SenderOf(kept.Sender)); // to be routed as before
    }

    private void WaitingForHandoff(object message)
    {
        switch (message)
        {
            case RelayedMessage relayed: Move(new MoveInput.Received(relayed.Message, Sender, Relayed: true)); break;
            case HandoffDone: Move(new MoveInput.HandoffDone()); break;
            case AbortArrival: Move(new MoveInput.Abort()); break;
            default: Move(new MoveInput.Received(message, Sender)); break;
        }
    }

    /// <summary>The handoff is done: the process runs here (then its call is made again, then what was held is handled).</summary>
    private void Arrived(Arrive arrive)
    {
        var (arrived, tell) = MoveRules.Arrived(arrive.State, _node.Node, DateTimeOffset.UtcNow);
        _state = arrived;
        _exitWatcher = arrive.ExitWatcher;
        _node.Index.Tell(new LocalProcesses.Register(_state.Info, Self));
        foreach (var message in tell) Region.Tell(message, ActorRefs.NoSender);
        Call(new CallInput.ArrivedWith(arrive.CallIds));
        Route(new RouteInput.Arrived());
        Become(Alive);
    }

    /// <summary>Waits here again for the answer to a terminal read made before the move (or the move that failed).</summary>
    private void KeepReading(PendingTerminalRead reading)
    {
        if (_state.Fds[reading.Call.Fd]?.Handle is DeviceHandle device)
            Call(new CallInput.ReadDevice(reading.Call, device, reading.CallId, reading.TimeLeft));
        else
        {
            _image!.Context.Result = SysResult.Fail(Errno.EBADF); // cannot be: descriptors move with the process
            Resume(null);
        }
    }

    /// <summary>Handles messages in order; if one of them (or the program) starts another move, the rest wait for it.</summary>
    private void Deliver(IEnumerable<KeptMessage> messages)
    {
        foreach (var kept in messages)
        {
            if (Offered) Move(new MoveInput.Received(kept.Message, kept.Sender));
            else Handle(kept.Message, SenderOf(kept.Sender) ?? ActorRefs.Nobody);
        }
    }

    /// <summary>Continues the program where it stopped: the call to make again, or the next step.</summary>
    private void Resume(SystemCall? reissue)
    {
        if (IsZombie || _image is null) return;
        if (IsStopped)
        {
            // The call it was making is made again, and answers when it is continued.
            if (reissue is not null && Dispatch(reissue) is { } done) _image.Context.Result = done;
            Call(new CallInput.StayStopped(_image.Context.Result));
            return;
        }
        if (reissue is not null)
        {
            var result = Dispatch(reissue);
            if (_calls.Call is not null)
            {
                Call(new CallInput.SignalPosted()); // a signal that came while it moved may end the call made again
                return;
            }
            if (IsZombie || Offered) return;
            if (result is not null) _image.Context.Result = result;
        }
        Run();
    }
}
