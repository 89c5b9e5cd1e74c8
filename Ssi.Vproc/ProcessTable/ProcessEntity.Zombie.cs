// The zombie: a process that has exited, until its parent (or init) collects its status. Its own behaviour of the entity.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Vproc.Migration;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Routing;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// <code>
///   Alive --exit, fatal signal, crash--> Zombie --Reap (its parent's wait, or init)--> Gone --Passivate--> stopped
///                                          | ChildExited to its parent, repeated until ChildExitNoted;
///                                          | ESRCH from the parent, or its node lost: init is the parent
/// </code>
/// A zombie answers queries and kills (which do nothing), refuses moves, pins and setpgid with ESRCH, hands any
/// child that reports to it to init, and otherwise only waits to be reaped.
/// </summary>
public sealed partial class ProcessEntity
{
    /// <summary>
    /// The process ends: descriptors close, children go to init (zombies among them are reaped), the parent is told
    /// (until it notes it), and the process stays a zombie until its status is collected.
    /// </summary>
    private void Terminate(int status)
    {
        if (IsZombie) return;
        Call(new CallInput.Ended());
        if (OrphanedGroups.Worth(_state)) HangUpOrphanedGroups();
        var (zombie, effects) = Family.Exit(_state, status);
        foreach (var effect in effects) Perform(effect);
        _state = zombie;
        DisposeFrames();
        _image = null;
        Publish();
        if (_exitWatcher is { } watcher)
        {
            _sessionEnd = (watcher, new TerminalSessionEnded(_pid, status), 0);
            Context.Watch(watcher); // a terminal that stopped (its client left) will never note it
            SendSessionEnd();
        }
        _exitWatcher = null;
        SendExitNotice();
        Become(Zombie);
    }

    /// <summary>
    /// The exit may orphan the groups of its children (a shell leaving a stopped job): those that are orphaned now and
    /// have a stopped member get SIGHUP, then SIGCONT, from the kernel (uid 0), wherever their members run.
    /// </summary>
    private void HangUpOrphanedGroups()
    {
        var (service, timeout, log, pid, pgid, sid) = (_node.Service, _node.Settings.CallTimeout, _log, _pid, _state.Pgid, _state.Sid);
        var children = _state.Children.Where(c => c.Value.Status is null).Select(c => c.Key).ToHashSet();
        async Task HangUp()
        {
            try
            {
                if (await service.Ask<object>(new ListCluster(), timeout) is not ProcessList list) return;
                foreach (var group in OrphanedGroups.HangUpOnExit(pid, pgid, sid, children, list.Processes))
                {
                    log.Info("process {0} exited leaving group {1} orphaned and stopped: SIGHUP and SIGCONT to it", pid, group);
                    await service.Ask<object>(new KillGroup(group, Signal.SIGHUP, 0, Pid.Kernel), timeout);
                    await service.Ask<object>(new KillGroup(group, Signal.SIGCONT, 0, Pid.Kernel), timeout);
                }
            }
            catch (Exception e) when (e is TimeoutException or AskTimeoutException)
            {
                log.Warning("process {0}: orphaned groups not checked: {1}", pid, e.Message);
            }
        }
        _ = HangUp();
    }

    /// <summary>Runs the pending finally blocks of the program's iterators, once; they cannot make system calls.</summary>
    private void DisposeFrames()
    {
        if (_image is null) return;
        for (var i = _image.Frames.Count - 1; i >= 0; i--)
        {
            try
            {
                _image.Frames[i].Calls.Dispose();
            }
            catch (Exception e)
            {
                _log.Info("process {0}: a finally block of its program failed: {1}", _pid, e.Message);
            }
        }
    }

    private void SendExitNotice()
    {
        if (_exitNoticed || !IsZombie) return;
        Region.Tell(new ChildExited(_state.Parent, _pid, _state.ExitStatus ?? 0, _state.Pgid), Self);
        _exitNoticeTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_node.Settings.ExitNoticeRetry, Self, new ExitNoticeDue(), Self);
    }

    /// <summary>The parent answered ESRCH: it is gone, so init is the parent now.</summary>
    private void ParentIsGone()
    {
        if (_state.Parent.IsInit) return;
        _state = _state with { Parent = Pid.Init, ParentNode = null };
        Publish();
        _exitNoticeTimer?.Cancel();
        SendExitNotice();
    }

    /// <summary>The session's end, sent to its terminal until noted (or given up after <see cref="SessionEndTries"/>).</summary>
    private (IActorRef Terminal, TerminalSessionEnded Ended, int Tries)? _sessionEnd;
    private ICancelable? _sessionEndTimer;
    private const int SessionEndTries = 60;

    private sealed record SessionEndDue;

    private void SendSessionEnd()
    {
        if (_sessionEnd is not { } end) return;
        if (end.Tries >= SessionEndTries)
        {
            _log.Warning("process {0}: its terminal never noted the end of its session", _pid);
            _sessionEnd = null;
            return;
        }
        end.Terminal.Tell(end.Ended, Self);
        _sessionEnd = end with { Tries = end.Tries + 1 };
        _sessionEndTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_node.Settings.ExitNoticeRetry, Self, new SessionEndDue(), Self);
    }

    private void SessionEndNoted()
    {
        _sessionEndTimer?.Cancel();
        _sessionEnd = null;
    }

    private void Zombie(object message) => AsZombie(message, Sender);

    private void AsZombie(object message, IActorRef replyTo)
    {
        _replyTo = replyTo;
        switch (message)
        {
            case GetProcessInfo: ReplyTo.Tell(_state.Info); break;
            case SignalProcess: ReplyTo.Tell(new SignalSent(_pid)); break; // it exists, but a signal does nothing to it
            case ChildExited exited:
                // Too late to be a parent: init takes the child.
                ReplyTo.Tell(new ChildExitNoted(exited.Child));
                Region.Tell(new Reparent(exited.Child, Pid.Init), ActorRefs.NoSender);
                break;
            case Reparent reparent: Reparented(reparent); break;
            case Reap: Reaped(); break;
            case ExitNoticeDue: SendExitNotice(); break;
            case SessionEndDue: SendSessionEnd(); break;
            case TerminalSessionEndNoted: SessionEndNoted(); break;
            case Terminated t when _sessionEnd is { } end && t.ActorRef.Equals(end.Terminal): SessionEndNoted(); break;
            case ChildExitNoted: _exitNoticed = true; break;
            case Failed { Errno: Errno.ESRCH } when !_exitNoticed: ParentIsGone(); break;
            case NodeLost lost: if (Family.NodeLost(_state, lost.Node).Orphaned) ParentIsGone(); break;
            case ParentMoved moved: _state = _state with { ParentNode = moved.Node }; break;
            case SetProcessGroup set: ReplyTo.Tell(Family.SetGroupByParent(_state, set).Reply); break;
            case MigrateProcess or PinProcess: ReplyTo.Tell(new Failed(Errno.ESRCH, $"process {_pid} has exited")); break;
            case Spawn: ReplyTo.Tell(new Failed(Errno.EEXIST, $"process {_pid} exists")); break;
            case CallInput.Replied late: LateReply(late.Outcome); break;
            case DeviceReply or RelayedMessage: AsZombie(message is DeviceReply d ? d.Reply : ((RelayedMessage)message).Message, replyTo); break;
            case Flush flush: Region.Tell(new FlushDone(_pid, flush.Hop), Self); break;
            case Relocated r: ReplyTo.Tell(new RelocationNoted(r.Pid, r.Hop)); break;
            case Arrive a: ReplyTo.Tell(new ArrivalRefused(_pid, a.State.Hop, new Failed(Errno.EEXIST, $"process {_pid} runs here already"))); break;
            case Stop: Context.Stop(Self); break;
            default: break; // the living's timers, answers and routes: nothing waits for them now
        }
    }

    private void Reaped()
    {
        if (!IsZombie) return;
        _exitNoticeTimer?.Cancel();
        Route(new RouteInput.Reaped()); // the forwarders it left go
        _node.Index.Tell(new LocalProcesses.Unregister(_pid));
        _state = null!;
        Context.Become(Gone);
        // Init reaps a session's process at once: the entity stays until the terminal has heard the end.
        if (_sessionEnd is null) Context.Parent.Tell(new Passivate(Stop.Instance));
    }

    private void Gone(object message)
    {
        switch (message)
        {
            case Stop: Context.Stop(Self); break;
            case SessionEndDue:
                SendSessionEnd();
                if (_sessionEnd is null) Context.Parent.Tell(new Passivate(Stop.Instance));
                break;
            case TerminalSessionEndNoted or Terminated:
                if (_sessionEnd is not { } end || message is Terminated t && !t.ActorRef.Equals(end.Terminal)) break;
                SessionEndNoted();
                Context.Parent.Tell(new Passivate(Stop.Instance));
                break;
            case IWithPid or RelayedMessage: Sender.Tell(new Failed(Errno.ESRCH, $"no process {_pid}")); break;
        }
    }
}
