// Load leveling, OpenSSI's loadlevel: every node shares its load, and a busy node sends runnable processes to idle ones.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Vproc.Leveling;

/// <summary>
/// One per node at <c>/user/loadlevel</c>. Each interval it samples the node's runnable processes (from the process
/// index) and the CPU they used, tells the leveler of every other node, and, if leveling is on here, moves runnable,
/// unpinned processes that have settled to the least loaded nodes that have leveling on (see <see cref="Plan"/>).
/// It owns only the last report heard from each node; processes move through the ordinary migration.
/// </summary>
public sealed class LoadLeveler : ReceiveActor, IWithTimers
{
    public const string Name = "loadlevel";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeNumber _node;
    private readonly IActorRef _index;
    private readonly LoadLevelingSettings _settings;
    private readonly TimeSpan _callTimeout;
    private readonly Dictionary<NodeNumber, (LoadReport Report, DateTime HeardAt)> _reports = new();
    private bool _enabled;
    private bool _sampling;
    private bool _moving;
    private DateTime _quietUntil;
    private DateTime _lastSampleAt;
    private TimeSpan _lastCharged;
    private double _load;
    private double _cpu;
    private long _sequence;
    private IActorRef? _region;

    public LoadLeveler(NodeNumber node, IActorRef index, LoadLevelingSettings settings, TimeSpan callTimeout)
    {
        _node = node;
        _index = index;
        _settings = settings;
        _callTimeout = callTimeout;
        _enabled = settings.Enabled;

        Receive<Tick>(_ => Sample());
        Receive<LocalProcesses.LoadSample>(Sampled);
        Receive<SampleFailed>(_ => _sampling = false);
        Receive<LoadReport>(r => _reports[r.Node] = (r, DateTime.UtcNow));
        Receive<SetLoadLeveling>(s =>
        {
            if (_enabled != s.Enabled) _log.Info("load leveling {0} on node {1}", s.Enabled ? "on" : "off", _node);
            _enabled = s.Enabled;
            if (_reports.TryGetValue(_node, out var mine))
            {
                // Tell the others at once, and hear them for an interval before planning: they are being switched too,
                // and a plan made on their reports of before would leave out the nodes that have just joined in.
                var report = mine.Report with { Enabled = _enabled };
                _reports[_node] = (report, mine.HeardAt);
                foreach (var peer in PeerAddresses())
                    Context.ActorSelection(new RootActorPath(peer.Address) / "user" / Name).Tell(report, Self);
            }
            _quietUntil = DateTime.UtcNow + _settings.Interval;
            Sender.Tell(Row(_node));
        });
        Receive<LoadLevelRequest>(Request);
        Receive<ChangeDone>(done => Sender.Tell(done.Failure ?? (object)Table()));
        Receive<MovesDone>(done =>
        {
            _moving = false;
            _quietUntil = DateTime.UtcNow + _settings.Interval; // let the targets report what they took first
            if (done.Failures > 0) _log.Info("load leveling: {0} of {1} moves from node {2} failed", done.Failures, done.Moves, _node);
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (NodeNumber.TryFromRoles(removed.Member.Roles, out var n)) _reports.Remove(n);
        });
    }

    public static Props Props(NodeNumber node, IActorRef index, LoadLevelingSettings settings, TimeSpan callTimeout) =>
        Akka.Actor.Props.Create(() => new LoadLeveler(node, index, settings, callTimeout));

    public ITimerScheduler Timers { get; set; } = null!;

    private IActorRef Region => _region ??= Akka.Cluster.Sharding.ClusterSharding.Get(Context.System).ShardRegion(ProcessEntity.TypeName);

    protected override void PreStart()
    {
        _lastSampleAt = DateTime.UtcNow;
        Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.Interval);
        Cluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.MemberRemoved));
    }

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Sample()
    {
        if (_sampling) return; // the index is busy: skip a beat rather than queue samples
        _sampling = true;
        _index.Ask<LocalProcesses.LoadSample>(LocalProcesses.SampleLoad.Instance, _callTimeout)
            .PipeTo(Self, failure: _ => SampleFailed.Instance);
    }

    private void Sampled(LocalProcesses.LoadSample sample)
    {
        _sampling = false;
        var now = DateTime.UtcNow;
        var elapsed = now - _lastSampleAt;
        var cpu = elapsed > TimeSpan.Zero ? Math.Max(0, (sample.CpuCharged - _lastCharged).TotalSeconds / elapsed.TotalSeconds) : 0;
        _lastSampleAt = now;
        _lastCharged = sample.CpuCharged;
        // Both decay as Unix's load average does: CPU is charged to the index in steps, so one interval alone is jumpy.
        var decay = Math.Exp(-elapsed.TotalSeconds / _settings.LoadTimeConstant.TotalSeconds);
        _load = _load * decay + sample.Runnable.Length * (1 - decay);
        _cpu = _cpu * decay + cpu * (1 - decay);
        var report = new LoadReport(_node, _enabled, sample.Runnable.Length, _load, _cpu, ++_sequence);
        _reports[_node] = (report, now);
        foreach (var peer in PeerAddresses())
            Context.ActorSelection(new RootActorPath(peer.Address) / "user" / Name).Tell(report, Self);

        var moves = ImmutableArray<LoadMove>.Empty;
        if (_enabled && !_moving && now >= _quietUntil) moves = Level(sample, now);
        Context.System.EventStream.Publish(new LoadLevelRound(_node, _sequence,
            FreshReports(now).ToImmutableDictionary(r => r.Node, r => r.Runnable), moves));
    }

    /// <summary>Plans this round's moves and starts them; the next round waits until they are done.</summary>
    private ImmutableArray<LoadMove> Level(LocalProcesses.LoadSample sample, DateTime now)
    {
        var others = FreshReports(now).Where(r => r.Node != _node && r.Enabled).ToDictionary(r => r.Node, r => r.Runnable);
        if (others.Count == 0) return [];
        var settledBefore = DateTimeOffset.UtcNow - _settings.Settle;
        var candidates = sample.Runnable
            .Where(p => !p.Pinned && p.Pid != Ssi.Actors.Identity.Pid.Init && (p.ArrivedAt is null || p.ArrivedAt < settledBefore))
            .OrderByDescending(p => p.CpuTime).ThenBy(p => p.Pid)
            .Select(p => p.Pid).ToList();
        var plan = Plan(sample.Runnable.Length, others, candidates, _settings.Imbalance, _settings.MaxMovesPerRound);
        if (plan.Count == 0) return [];
        _moving = true;
        var region = Region;
        var timeout = _callTimeout;
        Task.WhenAll(plan.Select(m => region.Ask<object>(new MigrateProcess(m.Pid, m.To, 0), timeout)
                .ContinueWith(t => t.IsCompletedSuccessfully && t.Result is Migrated, TaskScheduler.Default)))
            .ContinueWith(t => new MovesDone(plan.Count, t.Result.Count(ok => !ok)), TaskScheduler.Default)
            .PipeTo(Self);
        _log.Info("load leveling on node {0} ({1} runnable; {2}): moving {3}", _node, sample.Runnable.Length,
            string.Join(", ", others.Select(o => $"node {o.Key}: {o.Value}")), string.Join(", ", plan.Select(m => $"{m.Pid} to node {m.To}")));
        return [.. plan.Select(m => new LoadMove(m.Pid, _node, m.To))];
    }

    /// <summary>
    /// The moves that bring this node (with <paramref name="mine"/> runnable processes) toward the cluster's mean: each
    /// takes the next candidate to the least loaded node, while this node is above the mean and at least
    /// <paramref name="imbalance"/> (≥ 2) above that node. Since a move narrows the gap by exactly 2, it never turns it
    /// around, so two nodes cannot pass a process back and forth.
    /// </summary>
    public static IReadOnlyList<(Pid Pid, NodeNumber To)> Plan(int mine, IReadOnlyDictionary<NodeNumber, int> others, IReadOnlyList<Pid> candidates, int imbalance, int maxMoves)
    {
        var loads = others.ToDictionary(o => o.Key, o => o.Value);
        var moves = new List<(Pid, NodeNumber)>();
        if (loads.Count == 0) return moves;
        var mean = (double)(mine + loads.Values.Sum()) / (loads.Count + 1);
        foreach (var pid in candidates)
        {
            if (moves.Count >= maxMoves) break;
            var (target, load) = loads.OrderBy(l => l.Value).ThenBy(l => l.Key).First();
            if (mine <= mean || mine - load < Math.Max(2, imbalance)) break;
            moves.Add((pid, target));
            loads[target] = load + 1;
            mine--;
        }
        return moves;
    }

    private void Request(LoadLevelRequest request)
    {
        var replyTo = Sender;
        if (request.Enabled is not { } enabled)
        {
            replyTo.Tell(Table());
            return;
        }
        if (request.Who.Uid != 0)
        {
            replyTo.Tell(new Failed(Errno.EPERM, "only root can turn load leveling on or off"));
            return;
        }
        var targets = Members().Where(m => request.Node is null || m.Node == request.Node).ToList();
        if (request.Node is not null && targets.Count == 0)
        {
            replyTo.Tell(new Failed(Errno.EHOSTDOWN, $"node {request.Node} is not up"));
            return;
        }
        var asks = targets.Select(t => Context.ActorSelection(new RootActorPath(t.Address) / "user" / Name)
            .Ask<NodeLoad>(new SetLoadLeveling(enabled), _callTimeout));
        var self = Self;
        Task.WhenAll(asks).ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully)
                return new ChangeDone(new Failed(Errno.ETIMEDOUT, "a node did not answer in time; run ssi loadlevel to see which changed"));
            // Each node's answer goes into the reports first, so the table replied after it shows the change.
            foreach (var row in t.Result) self.Tell(new LoadReport(row.Node, row.Enabled, row.Runnable, row.Load, row.Cpu, 0));
            return new ChangeDone(null);
        }, TaskScheduler.Default).PipeTo(Self, replyTo);
    }

    private sealed record ChangeDone(Failed? Failure);

    private LoadTable Table() =>
        new(_node, [.. Members().Select(m => Row(m.Node)).OrderBy(r => r.Node)]);

    private NodeLoad Row(NodeNumber node)
    {
        if (node == _node && !_reports.ContainsKey(_node)) return new NodeLoad(_node, _enabled, 0, 0, 0, double.NaN);
        return _reports.TryGetValue(node, out var r)
            ? new NodeLoad(node, node == _node ? _enabled : r.Report.Enabled, r.Report.Runnable, Math.Round(r.Report.Load, 2),
                Math.Round(r.Report.Cpu, 2), Math.Round((DateTime.UtcNow - r.HeardAt).TotalSeconds, 1))
            : new NodeLoad(node, false, 0, 0, 0, double.NaN);
    }

    /// <summary>Reports recent enough to act on: from nodes that are up, heard within three intervals.</summary>
    private IEnumerable<LoadReport> FreshReports(DateTime now)
    {
        var up = Members().Select(m => m.Node).ToHashSet();
        return _reports.Values.Where(r => up.Contains(r.Report.Node) && now - r.HeardAt <= 3 * _settings.Interval).Select(r => r.Report);
    }

    private IEnumerable<(NodeNumber Node, Address Address)> Members()
    {
        var state = Cluster.Get(Context.System).State;
        foreach (var m in state.Members)
            if (m.Status == MemberStatus.Up && !state.Unreachable.Contains(m) && m.HasRole("ssi-node") && NodeNumber.TryFromRoles(m.Roles, out var n))
                yield return (n, m.Address);
    }

    private IEnumerable<(NodeNumber Node, Address Address)> PeerAddresses() => Members().Where(m => m.Node != _node);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record SampleFailed
    {
        public static readonly SampleFailed Instance = new();
    }

    private sealed record MovesDone(int Moves, int Failures);
}
