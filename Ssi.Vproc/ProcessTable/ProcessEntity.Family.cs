// Process calls (fork, exec, exit, wait, groups, signals) and the messages between related processes.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Cluster.Sharding;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Service;
using Ssi.Vproc.Migration;
using Ssi.Vproc.Pids;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Routing;
using Kill = Ssi.Vproc.Programs.Kill;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    private bool _exitNoticed;
    private ICancelable? _exitNoticeTimer;

    // ---- exit, wait, reaping ----

    /// <summary>
    /// The process ends: descriptors close, children go to init (zombies among them are reaped), the parent is told
    /// (until it notes it), and the process stays a zombie until its status is collected.
    /// </summary>
    private void Terminate(int status)
    {
        if (IsZombie) return;
        _call?.Cancel?.Invoke();
        _call = null;
        _sleepTimer?.Cancel();
        foreach (var effect in _state.Fds.Entries.Values.SelectMany(d => FileCalls.Release(_state, d))) Perform(effect);
        foreach (var (child, record) in _state.Children)
        {
            if (record.Status is null) Region.Tell(new Reparent(child, Pid.Init.Value), ActorRefs.NoSender);
            else Region.Tell(new Reap(child), ActorRefs.NoSender);
        }
        _state = _state with
        {
            State = RunState.Zombie,
            ExitStatus = status,
            Fds = FdTable.Empty,
            Children = ImmutableDictionary<int, ChildRecord>.Empty,
        };
        DisposeFrames();
        _image = null;
        _stopped = false;
        Publish();
        _exitWatcher?.Tell(new TerminalSessionEnded(_pid, status));
        _exitWatcher = null;
        SendExitNotice();
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
        Region.Tell(new ChildExited(_state.Parent.Value, _pid, _state.ExitStatus ?? 0), Self);
        _exitNoticeTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_node.Settings.ExitNoticeRetry, Self, new ExitNoticeDue(), Self);
    }

    /// <summary>The parent answered ESRCH: it is gone, so init is the parent now.</summary>
    private void ParentIsGone()
    {
        if (_state.Parent.IsInit) return;
        _state = _state with { Parent = Pid.Init, ParentNode = 0 };
        Publish();
        _exitNoticeTimer?.Cancel();
        SendExitNotice();
    }

    private void Reparented(Reparent reparent)
    {
        _state = _state with { Parent = new Pid(reparent.NewParent), ParentNode = 0 };
        Publish();
        if (IsZombie && !_exitNoticed)
        {
            _exitNoticeTimer?.Cancel();
            SendExitNotice();
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
        Context.Parent.Tell(new Passivate(Stop.Instance));
    }

    private void Gone(object message)
    {
        if (message is Stop) Context.Stop(Self);
        else if (message is IWithPid or RelayedMessage) Sender.Tell(new Failed(Errno.ESRCH, $"no process {_pid}"));
    }

    private void ChildHasExited(ChildExited exited)
    {
        ReplyTo.Tell(new ChildExitNoted(exited.Child));
        if (IsZombie)
        {
            // Too late to be a parent: init takes the child.
            Region.Tell(new Reparent(exited.Child, Pid.Init.Value), ActorRefs.NoSender);
            return;
        }
        if (Family.ChildExited(_state, exited.Child, exited.Status) is not { } noted) return; // a repeat
        _state = noted;
        RetryWait();
        Post(Signal.SIGCHLD);
    }

    /// <summary>A child exited while this process waits: the wait may collect it now.</summary>
    private void RetryWait()
    {
        if (_call is not { Call: Wait wait } call) return;
        var decision = Family.TryWait(_state, wait);
        if (decision.Result is null) return; // still nothing to collect
        Finish(Carry(call.Call, decision));
    }

    /// <summary>A node left the cluster: its processes died as if killed, and children whose parent ran there go to init.</summary>
    private void NodeIsLost(int node)
    {
        // The node that routes this PID is gone, or one that may have stood in for it while it is down: tell whoever
        // stands in for it now where the process is.
        if (!IsZombie && ProcessRoute.MustAnnounceAfterLosing(_pid, _node.Node, node, NodeIsUp)) AnnounceRelocation();
        if (IsZombie)
        {
            if (_state.ParentNode == node) ParentIsGone();
            return;
        }
        foreach (var (child, record) in _state.Children.Where(c => c.Value.Node == node && c.Value.Status is null).ToList())
            ChildHasExitedLocally(child, record.Node, WaitStatus.Signaled(Signal.SIGKILL));
        if (_state.ParentNode == node && !_state.Parent.IsInit)
        {
            _state = _state with { Parent = Pid.Init, ParentNode = 0 };
            Publish();
        }
    }

    private void ChildHasExitedLocally(int child, int node, int status)
    {
        _state = _state with { Children = _state.Children.SetItem(child, new ChildRecord(node, status)) };
        RetryWait();
        Post(Signal.SIGCHLD);
    }

    private void SetGroupByParent(SetProcessGroup set)
    {
        var (state, reply) = Family.SetGroupByParent(_state, set);
        if (!ReferenceEquals(state, _state))
        {
            _state = state;
            Publish();
        }
        ReplyTo.Tell(reply);
    }

    private ICancelable? _relocationTimer;

    /// <summary>
    /// Tells the origin's route where the process is, again every exit-notice-retry until it is noted: sent just as
    /// the origin's node is removed, it may still go to the dead node (the region has not heard yet) and be lost.
    /// </summary>
    private void AnnounceRelocation()
    {
        _relocationTimer?.Cancel();
        if (IsZombie || _moving || _state is null) return;
        Region.Tell(new Relocated(_pid, _node.Node, _state.Hop), Self);
        _relocationTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_node.Settings.ExitNoticeRetry, Self, new RelocationDue(), Self);
    }

    private void RelocationWasNoted(RelocationNoted noted)
    {
        if (_state is not null && noted.Hop >= _state.Hop) _relocationTimer?.Cancel();
    }

    private sealed record RelocationDue;
}
