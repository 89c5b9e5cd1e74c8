// Records each node incarnation the cluster removes, so that a node frozen past its removal can never take the lease.
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Ssi.Cfs.Leases;

/// <summary>
/// One per node: on every removal of a member that was Down or Exiting it fences that incarnation in the store
/// (<see cref="LeaseTable.Fence"/>). Every node writes the same row, so one survivor is enough. Only the side that
/// holds the lease removes others (a losing side downs itself), and a node that left in order is fenced too,
/// harmlessly: its incarnation never comes back. A node that shuts down sees every member removed as its last view
/// (Akka publishes an empty membership after ClusterShuttingDown): that is no removal, and fencing on it would lock the
/// healthy nodes out of the lease.
/// </summary>
public sealed class LeaseFences : ReceiveActor
{
    public const string Name = "lease-fences";

    /// <summary>How often a fence the store refused (briefly unreachable) is written again, and how many times.</summary>
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);
    private const int Tries = 30;

    private sealed record Write(string Member, int Attempt);

    private readonly Lazy<LeaseTable> _table;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public LeaseFences(Func<LeaseTable> table)
    {
        _table = new Lazy<LeaseTable>(table);
        Receive<ClusterEvent.MemberRemoved>(r =>
        {
            if (r.PreviousStatus is MemberStatus.Down or MemberStatus.Exiting && !r.Member.UniqueAddress.Equals(Cluster.Get(Context.System).SelfUniqueAddress))
                Self.Tell(new Write(MemberName(r.Member.UniqueAddress), 0));
        });
        Receive<ClusterEvent.ClusterShuttingDown>(_ => Become(ShuttingDown));
        Receive<Write>(WriteFence);
    }

    /// <summary>Fences asked for before the shutdown are still written (their retries too); nothing new is.</summary>
    private void ShuttingDown()
    {
        Receive<Write>(WriteFence);
        ReceiveAny(_ => { });
    }

    public static Props Props(Func<LeaseTable> table) => Akka.Actor.Props.Create(() => new LeaseFences(table));

    /// <summary>An incarnation as fences name it: host:port/uid.</summary>
    public static string MemberName(UniqueAddress member) => $"{member.Address.HostPort()}/{member.Uid}";

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
        typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.ClusterShuttingDown));

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        if (_table.IsValueCreated) _table.Value.Dispose();
    }

    private void WriteFence(Write write)
    {
        var (self, scheduler, log) = (Self, Context.System.Scheduler, _log);
        Task.Run(() => _table.Value.Fence(write.Member)).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) return;
            if (write.Attempt + 1 >= Tries) log.Error("could not fence removed node {0}: {1}", write.Member, t.Exception?.GetBaseException().Message);
            else scheduler.ScheduleTellOnce(RetryEvery, self, write with { Attempt = write.Attempt + 1 }, ActorRefs.NoSender);
        }, TaskScheduler.Default);
    }
}
