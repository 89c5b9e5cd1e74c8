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
using Ssi.Vproc.Programs;
using Ssi.Vproc.Routing;
using Kill = Ssi.Vproc.Programs.Kill;

namespace Ssi.Vproc.ProcessTable;

public sealed partial class ProcessEntity
{
    private bool _exitNoticed;
    private ICancelable? _exitNoticeTimer;

    private SysResult? DispatchProcessCall(SystemCall call)
    {
        switch (call)
        {
            case Fork c: return StartFork(c);
            case Exec c:
                var path = _state.Resolve(c.Path);
                var args = c.Args.Length > 0 ? c.Args : [c.Path];
                Await(c, ExecLoader.LoadAsync(_node.Fs, _node.Catalog, _state.Credentials, path, _node.Settings.CallTimeout),
                    loaded => loaded.IsOk ? Replace(loaded.Value, args) : SysResult.Fail(loaded.Error!.Value));
                return null;
            case Exit c:
                Terminate(WaitStatus.Exited(c.Code));
                return null;
            case Wait c: return TryWait(c);
            case GetPgid c:
                if (c.Pid == 0 || c.Pid == _pid) return SysResult.Ok(_state.Pgid);
                Await(c, Region.Ask<object>(new GetProcessInfo(c.Pid), _node.Settings.CallTimeout),
                    o => o is ProcessInfo info ? SysResult.Ok(info.Pgid) : SysResult.Fail(Errno.ESRCH));
                return null;
            case SetPgid c: return SetPgid(c);
            case SetSid:
                if (_state.Pgid == _pid) return SysResult.Fail(Errno.EPERM);
                _state = _state with { Sid = _pid, Pgid = _pid };
                Publish();
                return SysResult.Ok(_pid);
            case Kill c: return SendKill(c);
            case SigAction c:
                var changed = _state.Signals.SetDisposition(c.Signal, c.Disposition);
                if (!changed.IsOk) return SysResult.Fail(changed.Error!.Value);
                _state = _state with { Signals = changed.Value.State };
                return SysResult.Ok((int)changed.Value.Previous);
            case SigProcMask c:
                var masked = _state.Signals.ChangeMask(c.How, c.Mask);
                if (!masked.IsOk) return SysResult.Fail(masked.Error!.Value);
                _state = _state with { Signals = masked.Value.State };
                return SysResult.Ok((long)masked.Value.Previous);
            case Pause c:
                Block(c);
                return null;
            case Sleep c:
                if (c.Duration <= TimeSpan.Zero) return SysResult.Ok(0);
                Block(c);
                _sleepUntil = DateTime.UtcNow + c.Duration;
                _sleepTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(c.Duration, Self, new SleepOver(_callIds), Self);
                return null;
            case ListProcesses c:
                Await(c, _node.Service.Ask<object>(new ListCluster(), _node.Settings.CallTimeout),
                    o => o is ProcessList list ? SysResult.Ok(list.Processes.Length) with { Processes = list.Processes } : SysResult.Fail(Errno.EIO));
                return null;
            case WhereIs c:
                Await(c, Region.Ask<object>(new GetProcessInfo(c.Pid), _node.Settings.CallTimeout),
                    o => o is ProcessInfo info ? SysResult.Ok(info.Node) : SysResult.Fail(Errno.ESRCH));
                return null;
            default:
                return SysResult.Fail(Errno.ENOSYS);
        }
    }

    // ---- fork and exec ----

    /// <summary>
    /// fork: every descriptor's description gains a reference (the child shares them), then the node that is to run
    /// the child creates it from a copy of this program's state, with 0 as its result.
    /// </summary>
    private SysResult? StartFork(Fork fork)
    {
        var node = fork.Node ?? _node.Node;
        var context = _image!.Context;
        var resultBefore = context.Result;
        byte[] snapshot;
        try
        {
            context.Result = SysResult.Ok(0); // what fork returns in the child
            snapshot = _image.Capture();
        }
        catch (Exception e)
        {
            _log.Info("process {0}: fork refused, the program's state is not plain data: {1}", _pid, e.Message);
            return SysResult.Fail(Errno.EINVAL);
        }
        finally
        {
            context.Result = resultBefore;
        }
        var template = _state.ForChild(new Pid(0), node, DateTimeOffset.UtcNow);
        var who = _state.Credentials;
        var shared = _state.Fds.Entries.Values.Select(d => d.Handle).OfType<CfsHandle>().Select(h => h.OpenFile).ToList();
        var fs = _node.Fs;
        var service = _node.Service;
        var timeout = _node.Settings.CallTimeout;
        var system = Context.System;
        async Task<object> Create()
        {
            foreach (var openFile in shared)
                if (await fs.Ask<object>(new FsRetainOpen(who, openFile), timeout) is Failed failed) return failed;
            var created = await ProcessService.AskOn(system, service, node, new CreateProcess(template, snapshot, null, [], null), timeout);
            if (created is not ProcessCreated)
                foreach (var openFile in shared) _ = fs.Ask<object>(new FsClose(who, openFile), timeout);
            return created;
        }
        Await(fork, Create(), o => o switch
        {
            ProcessCreated child => Adopted(child),
            Failed failed => SysResult.Fail(failed.Errno),
            _ => SysResult.Fail(Errno.EIO),
        });
        return null;
    }

    private SysResult Adopted(ProcessCreated child)
    {
        // A quick child may have exited (and been noted) before its creation was confirmed here: keep its status.
        if (!_state.Children.ContainsKey(child.Pid))
            _state = _state with { Children = _state.Children.SetItem(child.Pid, new ChildRecord(child.Node)) };
        return SysResult.Ok(child.Pid);
    }

    /// <summary>exec succeeded: the new program replaces the old one, close-on-exec descriptors close, handlers reset.</summary>
    private SysResult? Replace(Program program, string[] args)
    {
        var (fds, closed) = _state.Fds.AfterExec();
        foreach (var d in closed) Release(d);
        _state = _state with
        {
            Fds = fds,
            Signals = _state.Signals.AfterExec(),
            Command = string.Join(' ', args),
        };
        _image = ProgramImage.Start(program, new ProcessContext(args, _state.Environment));
        Publish();
        return null;
    }

    private void Release(Descriptor descriptor)
    {
        if (descriptor.Handle is CfsHandle h)
            _ = _node.Fs.Ask<object>(new FsClose(_state.Credentials, h.OpenFile), _node.Settings.CallTimeout);
    }

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
        foreach (var d in _state.Fds.Entries.Values) Release(d);
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
        if (_state.Children.TryGetValue(exited.Child, out var record) && record.Status is not null) return; // a repeat
        var node = record?.Node ?? exited.Child / Pid.PerNode;
        _state = _state with { Children = _state.Children.SetItem(exited.Child, new ChildRecord(node, exited.Status)) };
        if (_call is { Call: Wait wait } && TryWait(wait) is { } collected) Finish(collected);
        Post(Signal.SIGCHLD);
    }

    /// <summary>waitpid: a zombie child's status (and the zombie is reaped), 0 under WNOHANG, ECHILD, or it blocks.</summary>
    private SysResult? TryWait(Wait wait)
    {
        if (wait.Pid is 0 or < -1) return SysResult.Fail(Errno.EINVAL); // process-group waits are not supported yet
        var candidates = _state.Children.Where(c => wait.Pid == -1 || c.Key == wait.Pid).ToList();
        if (candidates.Count == 0) return SysResult.Fail(Errno.ECHILD);
        foreach (var (child, record) in candidates.OrderBy(c => c.Key))
        {
            if (record.Status is not { } status) continue;
            _state = _state with { Children = _state.Children.Remove(child) };
            Region.Tell(new Reap(child), ActorRefs.NoSender);
            return SysResult.Ok(child) with { Status = status };
        }
        if ((wait.Options & WaitOptions.NoHang) != 0) return SysResult.Ok(0);
        if (_call?.Call is Wait) return null; // already waiting
        Block(wait);
        return null;
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
        if (_call is { Call: Wait wait } && TryWait(wait) is { } collected) Finish(collected);
        Post(Signal.SIGCHLD);
    }

    // ---- process groups ----

    private SysResult? SetPgid(SetPgid c)
    {
        var target = c.Pid == 0 ? _pid : c.Pid;
        var pgid = c.Pgid == 0 ? target : c.Pgid;
        if (pgid < 0) return SysResult.Fail(Errno.EINVAL);
        if (target == _pid)
        {
            if (_state.Sid == _pid) return SysResult.Fail(Errno.EPERM); // a session leader cannot move
            if (pgid == _pid || pgid == _state.Pgid)
            {
                _state = _state with { Pgid = pgid };
                Publish();
                return SysResult.Ok(0);
            }
            var sid = _state.Sid;
            // Joining another group: it must exist in this session (its leader is asked).
            Await(c, Region.Ask<object>(new GetProcessInfo(pgid), _node.Settings.CallTimeout), o =>
            {
                if (o is not ProcessInfo leader || leader.Sid != sid || leader.Pgid != pgid) return SysResult.Fail(Errno.EPERM);
                _state = _state with { Pgid = pgid };
                Publish();
                return SysResult.Ok(0);
            });
            return null;
        }
        if (!_state.Children.TryGetValue(target, out var record) || record.Status is not null) return SysResult.Fail(Errno.ESRCH);
        Await(c, Region.Ask<object>(new SetProcessGroup(target, pgid, _pid, _state.Sid), _node.Settings.CallTimeout), o => o switch
        {
            ProcessGroupSet => SysResult.Ok(0),
            Failed f => SysResult.Fail(f.Errno),
            _ => SysResult.Fail(Errno.EIO),
        });
        return null;
    }

    private void SetGroupByParent(SetProcessGroup set)
    {
        if (IsZombie || set.CallerPid != _state.Parent.Value) ReplyTo.Tell(new Failed(Errno.ESRCH, $"{_pid} is not a child of {set.CallerPid}"));
        else if (set.CallerSid != _state.Sid || _state.Sid == _pid) ReplyTo.Tell(new Failed(Errno.EPERM, "another session"));
        else
        {
            _state = _state with { Pgid = set.Pgid };
            Publish();
            ReplyTo.Tell(new ProcessGroupSet(_pid, set.Pgid));
        }
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
