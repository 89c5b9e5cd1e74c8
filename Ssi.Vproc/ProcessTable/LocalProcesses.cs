// The index of the processes a node hosts: what ps lists, whom a group signal reaches, what a lost node affects.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// One per node at <c>/user/proc-index</c>. Entities tell it their <see cref="ProcessInfo"/> whenever it changes; the
/// index owns nothing but this copy, so it can lag an entity by a message. It tells every local entity when a node
/// leaves the cluster, and counts which PIDs are held as a process, group or session id, for the PID allocator.
/// </summary>
public sealed class LocalProcesses : ReceiveActor
{
    public const string Name = "proc-index";

    public sealed record Register(ProcessInfo Info, IActorRef Entity);
    public sealed record Update(ProcessInfo Info);
    public sealed record Unregister(Pid Pid);
    /// <summary>An entity that forwards to where its process moved: it hears of lost nodes too, and is not in ps.</summary>
    public sealed record RegisterForwarder(Pid Pid, IActorRef Entity);
    public sealed record UnregisterForwarder(Pid Pid);
    /// <summary>For load leveling: the local processes that are runnable now, and the CPU charged here so far.</summary>
    public sealed record SampleLoad
    {
        public static readonly SampleLoad Instance = new();
    }
    public sealed record LoadSample(ImmutableArray<ProcessInfo> Runnable, TimeSpan CpuCharged);

    private readonly SortedDictionary<Pid, (ProcessInfo Info, IActorRef Entity)> _processes = new();
    private readonly ConcurrentDictionary<Pid, int> _held;
    private readonly Dictionary<Pid, IActorRef> _forwarders = new();
    private TimeSpan _cpuCharged;

    /// <param name="held">Shared with the PID allocator: how many local processes hold each id as PID, PGID or SID.</param>
    public LocalProcesses(ConcurrentDictionary<Pid, int> held, TimeSpan callTimeout)
    {
        _held = held;
        Receive<Register>(r =>
        {
            if (_processes.Remove(r.Info.Pid, out var old)) Release(old.Info);
            _processes[r.Info.Pid] = (r.Info, r.Entity);
            Hold(r.Info);
        });
        Receive<Update>(u =>
        {
            if (!_processes.TryGetValue(u.Info.Pid, out var entry)) return;
            if (u.Info.CpuTime > entry.Info.CpuTime) _cpuCharged += u.Info.CpuTime - entry.Info.CpuTime;
            Release(entry.Info);
            _processes[u.Info.Pid] = (u.Info, entry.Entity);
            Hold(u.Info);
        });
        Receive<Unregister>(u =>
        {
            if (_processes.Remove(u.Pid, out var old)) Release(old.Info);
        });
        Receive<SampleLoad>(_ => Sender.Tell(new LoadSample(
            [.. _processes.Values.Select(p => p.Info).Where(i => i.State == RunState.Running)], _cpuCharged)));
        Receive<HostsAny>(h => Sender.Tell(new HostedHere([.. h.Pids.Where(_processes.ContainsKey)])));
        Receive<RegisterForwarder>(r => _forwarders[r.Pid] = r.Entity);
        Receive<UnregisterForwarder>(u => _forwarders.Remove(u.Pid));
        Receive<ListLocal>(l =>
        {
            var page = _processes.Where(p => p.Key.Value > l.AfterPid.Value).Take(Math.Max(1, l.Limit) + 1).Select(p => p.Value.Info).ToList();
            var more = page.Count > l.Limit;
            Sender.Tell(new ProcessPage([.. page.Take(l.Limit)], more));
        });
        Receive<SignalLocalGroup>(g =>
        {
            var targets = _processes.Values
                .Where(p => p.Info.State != RunState.Zombie && p.Info.Pid != g.SenderPid && (g.Group is null ? p.Info.Pid != Pid.Init : p.Info.Pgid == g.Group))
                .Select(p => (p.Info.Pid, p.Entity)).ToList();
            var replyTo = Sender;
            Task.WhenAll(targets.Select(t => t.Entity.Ask<object>(new SignalProcess(t.Pid, g.Signal, g.SenderUid, g.SenderPid), callTimeout)
                    .ContinueWith(a => a.IsCompletedSuccessfully ? a.Result : new Failed(Errno.ESRCH, "gone"), TaskScheduler.Default)))
                .ContinueWith(all => new GroupSignalled(
                    all.Result.Count(r => r is SignalSent),
                    all.Result.Count(r => r is Failed { Errno: Errno.EPERM })), TaskScheduler.Default)
                .PipeTo(replyTo);
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (!NodeNumber.TryFromRoles(removed.Member.Roles, out var node)) return;
            foreach (var (_, entity) in _processes.Values) entity.Tell(new NodeLost(node, removed.Member.Address));
            foreach (var forwarder in _forwarders.Values) forwarder.Tell(new NodeLost(node));
        });
    }

    public static Props Props(ConcurrentDictionary<Pid, int> held, TimeSpan callTimeout) =>
        Akka.Actor.Props.Create(() => new LocalProcesses(held, callTimeout));

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Hold(ProcessInfo info)
    {
        foreach (var id in Ids(info)) _held.AddOrUpdate(id, 1, (_, n) => n + 1);
    }

    private void Release(ProcessInfo info)
    {
        foreach (var id in Ids(info))
            if (_held.AddOrUpdate(id, 0, (_, n) => n - 1) <= 0) _held.TryRemove(id, out _);
    }

    private static IEnumerable<Pid> Ids(ProcessInfo info) => new[] { info.Pid, info.Pgid, info.Sid }.Distinct();
}
