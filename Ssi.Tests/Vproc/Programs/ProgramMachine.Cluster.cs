// The machine's answers for the rest of the cluster: fork on any node, and the process layer's queries and signals.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using ProcessId = Ssi.Actors.Identity.Pid;

namespace Ssi.Tests.Vproc.Programs;

public sealed partial class ProgramMachine
{
    /// <summary>A request to one of the node's actors: the real file system, or the process layer this machine plays.</summary>
    private object Ask(Process process, Destination to, object request) => (to, request) switch
    {
        (Destination.FileSystem, IFileSystemRequest fs) => _cluster.Ask(_files.Map(fs)),
        (Destination.Processes, GetProcessInfo get) => InfoOf(get.Pid.Value) is { } info ? info : new Failed(Errno.ESRCH, $"no process {get.Pid}"),
        (Destination.Processes, SignalProcess signal) => Signal(signal),
        (Destination.ProcessService, ListCluster) => new ProcessList([.. Listed()]),
        (Destination.ProcessService, KillGroup kill) => SignalGroup(kill),
        _ => throw new NotSupportedException($"process {process.Pid}: the machine does not answer {request} to {to}"),
    };

    /// <summary>
    /// The entity's StartFork and the service's creation: the program captured with 0 as fork's result, a reference
    /// more on each shared description, then the child, which runs to its end before the parent hears of it.
    /// </summary>
    private object Fork(Process parent, CreateChild create)
    {
        var context = parent.Image.Context;
        var resultBefore = context.Result;
        byte[] snapshot;
        try
        {
            context.Result = SysResult.Ok(0);
            snapshot = parent.Image.Capture();
        }
        catch (Exception e)
        {
            return new Failed(Errno.EINVAL, $"fork refused, the program's state is not plain data: {e.Message}");
        }
        finally
        {
            context.Result = resultBefore;
        }
        var who = parent.State.Credentials;
        foreach (var openFile in create.Shared)
            if (_cluster.Ask(new FsRetainOpen(who, openFile)) is Failed failed) return failed;
        if (DownNodes.Contains(create.Node.Value))
        {
            foreach (var openFile in create.Shared) _cluster.Ask(new FsClose(who, openFile));
            return new Failed(Errno.EHOSTDOWN, $"node {create.Node} is down");
        }
        var child = new Process(create.Template with { Pid = new ProcessId(_nextPid++) }, ProgramImage.Restore(snapshot));
        _table[child.Pid] = child;
        RunToEnd(child);
        return new ProcessCreated(new Pid(child.Pid), create.Node);
    }

    /// <summary>The cluster's processes: the test's, and the machine's own that the test did not list.</summary>
    private IEnumerable<ProcessInfo> Listed() =>
        Processes.Concat(_table.Values.Where(p => Processes.TrueForAll(l => l.Pid.Value != p.Pid)).Select(p => p.State.Info));

    private ProcessInfo? InfoOf(int pid) => _table.TryGetValue(pid, out var own) ? own.State.Info : Processes.Find(p => p.Pid.Value == pid);

    /// <summary>kill of one process: the machine's own as its entity takes it, the test's by the same rule (same uid or root).</summary>
    private object Signal(SignalProcess signal)
    {
        if (_table.TryGetValue(signal.Pid.Value, out var own))
        {
            var (reply, post) = Family.Receive(own.State, signal);
            if (post) Post(own, signal.Signal);
            return reply;
        }
        if (Processes.Find(p => p.Pid == signal.Pid) is not { } listed) return new Failed(Errno.ESRCH, $"no process {signal.Pid}");
        if (signal.SenderUid != 0 && signal.SenderUid != listed.Uid) return new Failed(Errno.EPERM, $"process {signal.Pid} belongs to another user");
        Kills.Add((signal.Pid.Value, signal.Signal));
        return new SignalSent(signal.Pid);
    }

    /// <summary>kill of a group (0: every process): how many took it, how many refused the sender.</summary>
    private GroupSignalled SignalGroup(KillGroup kill)
    {
        var (delivered, denied, listed) = (0, 0, false);
        foreach (var info in Listed().Where(p => p.Pid != ProcessId.Init && (kill.Group is null || p.Pgid == kill.Group) && p.State != RunState.Zombie).ToList())
        {
            if (kill.SenderUid != 0 && kill.SenderUid != info.Uid)
            {
                denied++;
                continue;
            }
            delivered++;
            if (_table.TryGetValue(info.Pid.Value, out var own)) Post(own, kill.Signal);
            else listed = true;
        }
        if (listed) Kills.Add((kill.Group is not { } group ? -1 : -group.Value, kill.Signal));
        return new GroupSignalled(delivered, denied);
    }

    /// <summary>
    /// A signal reaching a process of the machine. Each is in a call then (the sender in its kill, its ancestors in
    /// their fork), so the signal rules for a call in flight decide; only SIGKILL acts at once.
    /// </summary>
    private void Post(Process target, int signal)
    {
        if (signal == 0) return;
        target.State = target.State with { Signals = target.State.Signals.Post(signal) };
        var (state, action, status) = SignalRules.Arrived(target.State, stopped: false, new CallShape(Interruptible: false, Cancellable: false, Cancelling: false));
        target.State = state;
        switch (action)
        {
            case OnArrival.Nothing: break;
            case OnArrival.Die: End(target, status); break;
            default: throw new NotSupportedException($"process {target.Pid}: the machine does not carry out {action} for signal {signal}");
        }
    }
}
