// The messages between related processes while the process lives: children's exits, new parents, lost nodes, setpgid.
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
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Routing;
using Kill = Ssi.Vproc.Programs.Kill;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    private bool _exitNoticed;
    private ICancelable? _exitNoticeTimer;

    private void Reparented(Reparent reparent)
    {
        var before = _state.Parent;
        _state = Family.Reparented(_state, reparent.NewParent);
        Publish();
        // A zombie whose exit reached its parent only after the parent exited too was noted there, and handed on: the
        // note came from a parent that will never reap it, so the new parent (init) must hear of the exit as well.
        if (IsZombie && (!_exitNoticed || _state.Parent != before))
        {
            _exitNoticed = false;
            _exitNoticeTimer?.Cancel();
            SendExitNotice();
        }
    }

    private void ChildHasExited(ChildExited exited)
    {
        ReplyTo.Tell(new ChildExitNoted(exited.Child));
        if (Family.ChildExited(_state, exited.Child, exited.Status, exited.Pgid) is not { } noted) return; // a repeat
        _state = noted;
        Call(new CallInput.ChildChanged()); // a wait may collect it now
        Post(Signal.SIGCHLD);
    }

    /// <summary>A child stopped or continued (SIGCHLD, and a WUNTRACED or WCONTINUED wait may report it), or changed its group.</summary>
    private void ChildHasChanged(ChildStateChanged changed)
    {
        if (Family.ChildStateChanged(_state, changed) is not { } noted) return;
        _state = noted;
        if (changed.Report is null) return;
        Call(new CallInput.ChildChanged());
        Post(Signal.SIGCHLD);
    }

    /// <summary>A node left the cluster (the process lives): children that ran there died as if killed; a parent there is replaced by init.</summary>
    private void NodeIsLost(NodeNumber node, Akka.Actor.Address? at)
    {
        if (at is not null)
        {
            Call(new CallInput.DeviceLost(at)); // a call waiting at a pipe or terminal there
            var (hungUp, hangUp) = Family.TerminalLost(_state, at);
            _state = hungUp;
            if (hangUp)
            {
                Post(Signal.SIGHUP);
                Post(Signal.SIGCONT);
            }
        }
        // The node that routes this PID is gone, or one that may have stood in for it while it is down: tell whoever
        // stands in for it now where the process is.
        if (ProcessRoute.MustAnnounceAfterLosing(_pid, _node.Node, node, NodeIsUp)) AnnounceRelocation();
        var (state, killed, orphaned) = Family.NodeLost(_state, node);
        _state = state;
        if (orphaned) Publish();
        if (killed.Count == 0) return;
        Call(new CallInput.ChildChanged());
        foreach (var _ in killed) Post(Signal.SIGCHLD);
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
        if (_state is null || IsZombie || Offered) return;
        Region.Tell(new Relocated(_pid, _node.Node, _state.Hop), Self);
        _relocationTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_node.Settings.ExitNoticeRetry, Self, new RelocationDue(), Self);
    }

    private void RelocationWasNoted(RelocationNoted noted)
    {
        if (_state is not null && noted.Hop >= _state.Hop) _relocationTimer?.Cancel();
    }

    private sealed record RelocationDue;
}
