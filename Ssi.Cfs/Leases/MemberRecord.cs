// Keeps this node's row in the store's table of live members while it is Up, and deletes it when the node leaves.
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Ssi.Cfs.Leases;

/// <summary>
/// One per node. From the node's own MemberUp it renews its row (<see cref="LeaseTable.RecordMember"/>) every
/// <c>interval</c> for <c>ttl</c>; when its coordinated shutdown runs (leave, stop, lost lease, removed by the others),
/// the row is deleted. A node that crashes leaves its row to expire. A renewal that fails (the store briefly
/// unreachable) is tried at the next tick; one still running is not doubled.
/// </summary>
public static class MemberRecord
{
    public const string Name = "member-record";

    /// <summary>
    /// Starts the record on a node, and adds a task to its coordinated shutdown that deletes the row before the actor
    /// system stops, so a node that leaves in order never delays the founding of the next cluster.
    /// </summary>
    public static void Start(ActorSystem system, Func<LeaseTable> table, TimeSpan interval, TimeSpan ttl)
    {
        var cluster = Cluster.Get(system);
        var row = new Renewer.MemberRow(table, LeaseFences.MemberName(cluster.SelfUniqueAddress), cluster.SelfAddress.ToString(), ttl);
        system.ActorOf(Props.Create(() => new Renewer(row, interval)), Name);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "forget-member-record", () =>
            Task.Run(() =>
            {
                try
                {
                    row.Forget();
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    system.Log.Warning("could not delete this node's row among the store's live members (it expires by itself): {0}", e.Message);
                }
                return Akka.Done.Instance;
            }));
        system.WhenTerminated.ContinueWith(_ => row.Dispose(), TaskScheduler.Default);
    }
}

/// <summary>The actor of <see cref="MemberRecord"/>: it renews the row on a timer from the node's own MemberUp.</summary>
internal sealed class Renewer : ReceiveActor, IWithTimers
{

    private sealed class Renew
    {
        public static readonly Renew Instance = new();
    }

    private sealed record Renewed(Exception? Failure);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _renewing;
    private bool _warned;

    public Renewer(MemberRow row, TimeSpan interval)
    {
        var cluster = Cluster.Get(Context.System);
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (up.Member.UniqueAddress.Equals(cluster.SelfUniqueAddress)) Timers.StartPeriodicTimer(Renew.Instance, Renew.Instance, TimeSpan.Zero, interval);
        });
        Receive<Renew>(_ =>
        {
            if (_renewing) return;
            _renewing = true;
            Task.Run(row.Renew).ContinueWith(t => new Renewed(t.Exception?.GetBaseException()), TaskScheduler.Default).PipeTo(Self);
        });
        Receive<Renewed>(r =>
        {
            _renewing = false;
            if (r.Failure is null) _warned = false;
            else if (!_warned)
            {
                _warned = true;
                _log.Warning("could not renew this node's row among the store's live members: {0}", r.Failure.Message);
            }
        });
        // A node removed by the others stops too: its coordinated shutdown deletes the row. Akka also reports every
        // member removed as a stopping node's last view, which is no evidence of anything: a crash must leave its row.
        Receive<ClusterEvent.ClusterShuttingDown>(_ => Timers.CancelAll());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
        typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.ClusterShuttingDown));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    /// <summary>
    /// The row's writes, one at a time: once forgotten it is never renewed again, so a renewal that was under way when
    /// the node left cannot bring the row back after its deletion.
    /// </summary>
    internal sealed class MemberRow(Func<LeaseTable> open, string member, string address, TimeSpan ttl) : IDisposable
    {
        private readonly object _gate = new();
        private LeaseTable? _table;
        private bool _forgotten;

        public void Renew()
        {
            lock (_gate)
            {
                if (!_forgotten) (_table ??= open()).RecordMember(member, address, ttl);
            }
        }

        public void Forget()
        {
            lock (_gate)
            {
                if (_forgotten) return;
                (_table ??= open()).ForgetMember(member);
                _forgotten = true;
            }
        }

        public void Dispose()
        {
            lock (_gate) _table?.Dispose();
        }
    }
}
