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
    private Arrive? _arrival;
    private readonly List<(IWithPid Message, IActorRef Sender)> _relayedOnArrival = [];
    private readonly List<(object Message, IActorRef Sender)> _directOnArrival = [];
    /// <summary>A process offered here; the route keeps what this entity did before, for an arrival that fails.</summary>
    private void Arriving(Arrive arrive)
    {
        var got = Stopwatch.GetTimestamp();
        try
        {
            _image = ProgramImage.Restore(arrive.Snapshot);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Warning("process {0} cannot arrive here: {1}", _pid, e.Message);
            Sender.Tell(new ArrivalRefused(_pid, arrive.State.Hop, new Failed(Errno.ENOEXEC, $"cannot resume the program here: {e.Message}")));
            Route(new RouteInput.ArrivalFailed());
            return;
        }
        _arrival = arrive;
        Sender.Tell(new ReadyToArrive(_pid, arrive.State.Hop, got, Stopwatch.GetTimestamp()));
        Become(WaitingForHandoff);
    }

    private void WaitingForHandoff(object message)
    {
        switch (message)
        {
            case RelayedMessage relayed: _relayedOnArrival.Add((relayed.Message, Sender)); break;
            case HandoffDone: Arrived(); break;
            case AbortArrival:
                _image = null;
                _arrival = null;
                _relayedOnArrival.Clear();
                var direct = _directOnArrival.ToList();
                _directOnArrival.Clear();
                Route(new RouteInput.ArrivalFailed());
                foreach (var (m, s) in direct) Self.Tell(m, s);
                break;
            default: _directOnArrival.Add((message, Sender)); break;
        }
    }

    private void Arrived()
    {
        var arrive = _arrival!;
        _arrival = null;
        var (arrived, tell) = MoveRules.Arrived(arrive.State, _node.Node, DateTimeOffset.UtcNow);
        _state = arrived;
        _exitWatcher = arrive.ExitWatcher;
        _stopped = arrive.Stopped;
        _moving = false;
        _node.Index.Tell(new LocalProcesses.Register(_state.Info, Self));
        foreach (var message in tell) Region.Tell(message, ActorRefs.NoSender);
        _callIds = Math.Max(_callIds, arrive.CallIds);
        Route(new RouteInput.Arrived());
        Become(Alive);
        var relayed = _relayedOnArrival.ToList();
        var direct = _directOnArrival.ToList();
        _relayedOnArrival.Clear();
        _directOnArrival.Clear();
        // The call it was making is made again (or waited for) first: a move asked for among the held messages must
        // find the process in that call, not between two steps with the call forgotten.
        if (arrive.Reading is { } reading) KeepReading(reading);
        else Resume(arrive.Reissue);
        Deliver(relayed.Select(r => ((object)r.Message, r.Sender)));
        Deliver(direct);
    }

    /// <summary>Waits here again for the answer to a terminal read made before the move (or the move that failed).</summary>
    private void KeepReading(PendingTerminalRead reading)
    {
        if (_state.Fds[reading.Call.Fd]?.Handle is TerminalHandle terminal)
            WaitForTerminal(reading.CallId, reading.Call, terminal, reading.TimeLeft);
        else Finish(SysResult.Fail(Errno.EBADF)); // cannot be: descriptors move with the process
        if (_stopped) SetRunState(RunState.Stopped);
    }

    /// <summary>Handles, in order, the messages held while moving.</summary>
    private void Drain()
    {
        var held = _heldDuringMove.ToList();
        _heldDuringMove.Clear();
        Deliver(held);
    }

    /// <summary>Handles messages in order; if one of them (or the program) starts another move, the rest wait for it.</summary>
    private void Deliver(IEnumerable<(object Message, IActorRef Sender)> messages)
    {
        foreach (var (message, sender) in messages)
        {
            if (_moving) _heldDuringMove.Add((message, sender));
            else Handle(message, sender);
        }
    }

    /// <summary>Continues the program where it stopped: the call to make again, or the next step.</summary>
    private void Resume(SystemCall? reissue)
    {
        if (IsZombie || _image is null) return;
        if (_stopped)
        {
            // The call it was making is made again, and answers when it is continued.
            if (reissue is not null && Dispatch(reissue) is { } done) _image.Context.Result = done;
            if (_call is null) _held ??= _image.Context.Result;
            SetRunState(RunState.Stopped);
            return;
        }
        if (reissue is not null)
        {
            var result = Dispatch(reissue);
            if (_call is not null)
            {
                ConsiderSignals(); // a signal that came while it moved may end the call made again
                return;
            }
            if (IsZombie || _moving) return;
            if (result is not null) _image.Context.Result = result;
        }
        Run();
    }
}
