// Tells a session's terminal when its process was lost with another node: the dead process cannot, and its parent (init) is told instead.
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// A child of the node's process service, which owns the terminals of the clients attached here. When a node leaves
/// the cluster it asks for each session's process by PID: a process that answers lives on, wherever it is. ESRCH
/// twice, <see cref="VprocSettings.SessionLostConfirm"/> apart, means it died with that node, and its terminal hears
/// that the session ended as by SIGKILL (the client exits with 137). Twice, because right after the loss of its origin
/// a live process's PID answers ESRCH until the process has told the stand-in where it is (it repeats that every
/// exit-notice-retry). A session whose terminal stops (it ended, or the client left) is forgotten.
/// </summary>
public sealed class LostSessions : ReceiveActor, IWithTimers
{
    public const string Name = "sessions";

    /// <summary>Watch the process <see cref="Pid"/> of a session whose terminal is <see cref="Terminal"/>.</summary>
    public sealed record Watch(Pid Pid, IActorRef Terminal);

    private sealed record Check(Pid Pid, NodeNumber? Lost, int Attempt, bool GoneOnce);

    private sealed record Answered(Check Check, object? Reply);

    /// <summary>Checks per node lost before a session is left as it is (no answer at all each time).</summary>
    private const int MaxAttempts = 10;

    private readonly Dictionary<Pid, IActorRef> _sessions = [];
    private readonly TimeSpan _confirm;
    private IActorRef? _region;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;

    public LostSessions(VprocSettings settings)
    {
        _confirm = settings.SessionLostConfirm;
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
            var lost = NodeNumber.TryFromRoles(removed.Member.Roles, out var n) ? n : (NodeNumber?)null;
            if (_sessions.Count > 0) _log.Info("node {0} left: checking the processes of {1} sessions attached here", lost?.ToString() ?? "?", _sessions.Count);
            foreach (var pid in _sessions.Keys) Self.Tell(new Check(pid, lost, 0, GoneOnce: false));
        });
        Receive<Check>(check =>
        {
            if (!_sessions.ContainsKey(check.Pid)) return;
            var self = Self;
            Region.Ask<object>(new GetProcessInfo(check.Pid), _confirm)
                .ContinueWith(t => self.Tell(new Answered(check, t.IsCompletedSuccessfully ? t.Result : null)), TaskScheduler.Default);
        });
        Receive<Answered>(answered =>
        {
            var check = answered.Check;
            if (!_sessions.TryGetValue(check.Pid, out var terminal)) return;
            switch (answered.Reply)
            {
                case ProcessInfo info:
                    _log.Info("process {0} lives on (node {1})", check.Pid, info.Node);
                    return;
                case Failed { Errno: Errno.ESRCH } when check.GoneOnce:
                    _sessions.Remove(check.Pid);
                    _log.Info("process {0} died with its node: its session ends as killed", check.Pid);
                    var where = check.Lost is { } node ? $"node {node}" : "its node";
                    terminal.Tell(new TerminalSessionEnded(check.Pid, WaitStatus.Signaled(Signal.SIGKILL)) { Why = $"{where} left the cluster" });
                    return;
                case Failed { Errno: Errno.ESRCH }:
                    Timers.StartSingleTimer(check.Pid, check with { GoneOnce = true }, _confirm);
                    return;
                default: // no answer yet (the route may be switching): ask again
                    _log.Info("process {0}: no answer yet ({1}), asking again", check.Pid, answered.Reply?.ToString() ?? "timed out");
                    if (check.Attempt + 1 < MaxAttempts) Timers.StartSingleTimer(check.Pid, check with { Attempt = check.Attempt + 1, GoneOnce = false }, _confirm);
                    else _log.Warning("process {0}: gave up asking after {1} attempts; its session is left as it is", check.Pid, MaxAttempts);
                    return;
            }
        });
    }

    public static Props Props(VprocSettings settings) => Akka.Actor.Props.Create(() => new LostSessions(settings));

    private IActorRef Region => _region ??= Akka.Cluster.Sharding.ClusterSharding.Get(Context.System).ShardRegion(ProcessEntity.TypeName);

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
}
