// How a node whose own address is its first seed joins: it founds a cluster only when the store records no live member.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Ssi.Cfs.Leases;

namespace Ssi.Host.Node;

/// <summary>
/// Akka's first seed joins itself when no other seed answers within seed-node-timeout: restarted behind a partition,
/// it would found a second cluster on the same store, and the lease would not stop it (a cluster of one downs nobody).
/// Instead this actor reads the store's live members (<see cref="MemberRecord"/>) until the node has joined:
/// none live (other than earlier incarnations at this node's own address, which cannot be running) means no cluster
/// runs, and the node founds one; otherwise it joins the other seeds and the recorded members, and waits for them
/// however long it takes. A store it cannot read is no evidence either way: it keeps trying and never founds blind.
/// </summary>
public sealed class ClusterFounding : ReceiveActor, IWithTimers
{
    public const string Name = "cluster-founding";

    private sealed class Check
    {
        public static readonly Check Instance = new();
    }

    private sealed record Read(IReadOnlyList<LiveMember>? Live, Exception? Failure);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly Func<LeaseTable> _open;
    private readonly DateTime _foundNoSoonerThan;
    private LeaseTable? _table;
    private ImmutableList<Address> _joining = [];
    private bool _reading;
    private string? _lastReport;

    /// <param name="otherSeeds">The seeds after this node's own address; they are asked first, as Akka's first seed does.</param>
    /// <param name="seedNodeTimeout">With other seeds, how long they may take to answer before this node may found.</param>
    /// <param name="every">How often the store is read until the node has joined.</param>
    public ClusterFounding(Func<LeaseTable> open, IReadOnlyList<Address> otherSeeds, TimeSpan seedNodeTimeout, TimeSpan every)
    {
        _open = open;
        _foundNoSoonerThan = DateTime.UtcNow + (otherSeeds.Count > 0 ? seedNodeTimeout : TimeSpan.Zero);
        Receive<Check>(_ =>
        {
            if (Joined() || _reading) return;
            _reading = true;
            Task.Run(() => new Read((_table ??= _open()).LiveMembers(), null))
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : new Read(null, t.Exception?.GetBaseException()), TaskScheduler.Default)
                .PipeTo(Self);
        });
        Receive<Read>(read =>
        {
            _reading = false;
            if (Joined()) return;
            if (read.Live is null)
            {
                Report("store", $"cannot read the store's live members, so this node neither founds a cluster nor stops trying: {read.Failure?.Message}", warning: true);
                return;
            }
            var self = _cluster.SelfAddress;
            var others = read.Live.Where(m => !SameHostPort(m.Address, self)).ToList();
            if (others.Count == 0)
            {
                if (DateTime.UtcNow < _foundNoSoonerThan) return;
                _log.Info("no live member of a cluster is recorded in the store: this node founds the cluster");
                Timers.CancelAll();
                _cluster.Join(self);
                return;
            }
            Report(string.Join(",", others.Select(m => m.Member)),
                $"the store records live members ({string.Join(", ", others.Select(m => $"{m.Member}, {m.ExpiresIn.TotalSeconds:0.0} s left"))}): " +
                "this node joins them and does not found a second cluster", warning: false);
            var targets = otherSeeds.Concat(others.Select(m => Parse(m.Address)).OfType<Address>()).Where(a => !a.Equals(self)).Distinct().ToImmutableList();
            if (targets.SequenceEqual(_joining)) return;
            _joining = targets;
            _cluster.JoinSeedNodes(targets);
        });
        Receive<ClusterEvent.IMemberEvent>(_ =>
        {
            if (Joined()) Timers.CancelAll();
        });
        Timers.StartPeriodicTimer(Check.Instance, Check.Instance, TimeSpan.Zero, every);
        if (otherSeeds.Count > 0)
        {
            _joining = [.. otherSeeds];
            _cluster.JoinSeedNodes(_joining);
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Func<LeaseTable> open, IReadOnlyList<Address> otherSeeds, TimeSpan seedNodeTimeout, TimeSpan every) =>
        Akka.Actor.Props.Create(() => new ClusterFounding(open, otherSeeds, seedNodeTimeout, every));

    private bool Joined() => _cluster.IsTerminated || _cluster.State.Members.Any(m => m.UniqueAddress.Equals(_cluster.SelfUniqueAddress));

    private static bool SameHostPort(string address, Address self) => Parse(address) is { } parsed && parsed.Host == self.Host && parsed.Port == self.Port;

    private static Address? Parse(string address)
    {
        try
        {
            return Address.Parse(address);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Logs once per situation (a set of recorded members, or the store failing), not at every read.</summary>
    private void Report(string situation, string what, bool warning)
    {
        if (situation == _lastReport) return;
        _lastReport = situation;
        if (warning) _log.Warning(what);
        else _log.Info(what);
    }

    protected override void PreStart() => _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _table?.Dispose();
    }
}
