// Tells a session's terminal when its process was lost with another node: the dead process cannot, and its parent (init) is told instead.
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Pipes;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// A child of the node's process service, which owns the terminals of the clients attached here. When a node leaves
/// the cluster it asks the service which of its sessions' processes died with it (<see cref="WhichAreGone"/>: hosted
/// by no node that is up, or, if a node does not answer, ESRCH twice a few seconds apart), and asks again for the
/// sessions still open, <see cref="Rechecks"/> times; their terminals hear that the session ended as by SIGKILL (the
/// client exits with 137). A session whose terminal stops (it ended, or the
/// client left) is forgotten.
/// </summary>
public sealed class LostSessions : ReceiveActor, IWithTimers
{
    public const string Name = "sessions";

    /// <summary>Watch the process <see cref="Pid"/> of a session whose terminal is <see cref="Terminal"/>.</summary>
    public sealed record Watch(Pid Pid, IActorRef Terminal);

    private sealed record Checked(NodeNumber? Lost, ProcessesGone Gone, int Round);

    private sealed record Recheck(NodeNumber? Lost, int Round);

    /// <summary>
    /// How many more times, and how far apart, the sessions are checked after a removal: a node may not answer the
    /// first time (a node that is starting again, shards moving home), and a session missed then waited for ever
    /// (found by `ssi chaos`). A process that lives is asked about a few times more, and nothing else happens to it.
    /// </summary>
    private const int Rechecks = 3;
    private static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(5);

    /// <summary>How long the service may take to answer (its slow path asks each PID up to ten times).</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<Pid, IActorRef> _sessions = [];

    public ITimerScheduler Timers { get; set; } = null!;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public LostSessions()
    {
        Receive<Watch>(w =>
        {
            _sessions[w.Pid] = w.Terminal;
            Context.Watch(w.Terminal);
        });
        Receive<Terminated>(t =>
        {
            foreach (var pid in _sessions.Where(s => s.Value.Equals(t.ActorRef)).Select(s => s.Key).ToList()) _sessions.Remove(pid);
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (_sessions.Count == 0) return;
            var lost = NodeNumber.TryFromRoles(removed.Member.Roles, out var n) ? n : (NodeNumber?)null;
            _log.Info("node {0} left: checking the processes of {1} sessions attached here", lost?.ToString() ?? "?", _sessions.Count);
            Check(lost, 0);
        });
        Receive<Recheck>(r =>
        {
            if (_sessions.Count > 0) Check(r.Lost, r.Round);
        });
        Receive<TerminalSessionEndNoted>(_ => { }); // the terminals' answer to the ends sent below
        Receive<Checked>(c =>
        {
            foreach (var pid in c.Gone.Pids)
            {
                if (!_sessions.Remove(pid, out var terminal)) continue;
                _log.Info("process {0} died with its node: its session ends as killed", pid);
                var where = c.Lost is { } node ? $"node {node}" : "its node";
                terminal.Tell(new TerminalSessionEnded(pid, WaitStatus.Signaled(Signal.SIGKILL)) { Why = $"{where} left the cluster" });
            }
            if (_sessions.Count > 0)
                _log.Info("after node {0} left, check {1} keeps the sessions of {2}", c.Lost?.ToString() ?? "?", c.Round, string.Join(", ", _sessions.Keys));
            if (c.Round < Rechecks && _sessions.Count > 0)
                Timers.StartSingleTimer($"recheck-{c.Lost}-{c.Round + 1}", new Recheck(c.Lost, c.Round + 1), RecheckAfter);
        });
    }

    private void Check(NodeNumber? lost, int round) =>
        Context.Parent.Ask<ProcessesGone>(new WhichAreGone([.. _sessions.Keys]), CheckTimeout)
            .PipeTo(Self, success: gone => new Checked(lost, gone, round), failure: _ => new Checked(lost, new ProcessesGone([]), round));

    public static Props Props() => Akka.Actor.Props.Create(() => new LostSessions());

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
}
