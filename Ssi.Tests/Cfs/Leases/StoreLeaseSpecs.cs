// Specs of the store lease on a real database: racing holders, renewal, release, expiry, and a holder cut off from the store.
using System.Data.Common;
using System.Diagnostics;
using Akka.Configuration;
using Akka.Coordination;
using Akka.Event;
using Ssi.Cfs.Leases;

namespace Ssi.Tests.Cfs.Leases;

/// <summary>
/// Short timings (time to live 2 s, renewal every 300 ms, margin 500 ms) so expiry is seen within seconds, with room
/// for a renew tick that a loaded machine delays. Each
/// lease has a table of its own, as each node has. A subclass supplies the database and a way to block its writers.
/// </summary>
public abstract class StoreLeaseSpecs : IDisposable
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(3);
    private const string Name = "ssi-akka-sbr";
    private readonly List<IDisposable> _opened = new();

    protected abstract LeaseTable OpenTable(TimeSpan operationTimeout);

    /// <summary>Holds the store's write lock on the lease table until disposed (a store the holder cannot reach).</summary>
    protected abstract IDisposable BlockWriters();

    /// <summary>A connection of its own to the database the tables live in, to look behind them.</summary>
    protected abstract System.Data.Common.DbConnection Connect();

    private static LeaseSettings Settings(string owner) => LeaseSettings.Create(ConfigurationFactory.ParseString("""
        lease-class = "Ssi.Cfs.Leases.StoreLease, Ssi.Cfs"
        heartbeat-timeout = 2 s
        heartbeat-interval = 300 ms
        lease-operation-timeout = 3 s
        safety-margin = 500 ms
        """), Name, owner);

    private StoreLease NewLease(string owner, Action<Exception>? whenLost = null, Func<string, bool>? sameSide = null, string? self = null,
        Func<ResolverStanding>? standing = null)
    {
        var table = Track(OpenTable(OperationTimeout)); // opened here, so a missing server skips the test
        var lease = new StoreLease(Settings(owner), () => table, NoLogger.Instance, whenLost, sameSide, () => self, standing);
        _opened.Add(new Releaser(lease));
        return lease;
    }

    private T Track<T>(T table) where T : IDisposable
    {
        lock (_opened) _opened.Add(table);
        return table;
    }

    private static async Task AwaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"{what} did not happen within {timeout}");
            await Task.Delay(20);
        }
    }

    [SkippableFact]
    public async Task Of_two_holders_racing_for_a_free_lease_exactly_one_gets_it()
    {
        var a = NewLease("a");
        var b = NewLease("b");
        for (var round = 0; round < 10; round++)
        {
            var results = await Task.WhenAll(a.Acquire(), b.Acquire());
            Assert.Single(results, true);
            Assert.NotEqual(a.CheckLease(), b.CheckLease());
            await (a.CheckLease() ? a : b).Release();
        }
    }

    [SkippableFact]
    public async Task A_holder_that_renews_keeps_the_lease_past_its_time_to_live_and_a_rival_gives_up_early()
    {
        var a = NewLease("a");
        var b = NewLease("b");
        Assert.True(await a.Acquire());
        Assert.True(await a.Acquire()); // reentrant for its owner
        var table = Track(OpenTable(TimeSpan.FromSeconds(1)));
        var first = table.Current(Name)!;

        await AwaitAsync(() => table.Current(Name)!.ExpiresAt > first.ExpiresAt + 2 * TimeToLive.Ticks / 10, TimeSpan.FromSeconds(15), "two renewals' worth of time");

        Assert.True(a.CheckLease());
        var clock = Stopwatch.StartNew();
        Assert.False(await b.Acquire());
        Assert.True(clock.Elapsed < TimeToLive, $"the rival took {clock.Elapsed} to see the holder renew");
        Assert.False(b.CheckLease());
        Assert.Equal(a.Owner, table.Current(Name)!.Owner);
    }

    [SkippableFact]
    public async Task A_decider_takes_the_lease_over_from_a_reachable_member_of_its_side_which_steps_down_without_its_default()
    {
        var holderDowned = false;
        var a = NewLease("a", whenLost: _ => holderDowned = true, sameSide: owner => owner == "b");
        var b = NewLease("b", sameSide: owner => owner == "a");
        var c = NewLease("c", sameSide: owner => owner == "d"); // sees "a" unreachable: it must wait for the row to lapse
        Assert.True(await a.Acquire());
        var table = Track(OpenTable(TimeSpan.FromSeconds(1)));

        var clock = Stopwatch.StartNew();
        Assert.True(await b.Acquire());

        Assert.True(clock.Elapsed < TimeToLive, $"the take-over took {clock.Elapsed}");
        Assert.Equal(b.Owner, table.Current(Name)!.Owner);
        await AwaitAsync(() => !a.CheckLease(), TimeSpan.FromSeconds(10), "the old holder stepping down at its next renewal");
        Assert.False(holderDowned);
        Assert.True(b.CheckLease());
        Assert.False(await c.Acquire());
        Assert.Equal(b.Owner, table.Current(Name)!.Owner);
    }

    /// <summary>
    /// A refused resolver reverses its decision; on an end of a broken link that would down the member reaching both
    /// ends too. So an indirectly connected node's resolver is refused only at the deadline, and a downed node's never.
    /// </summary>
    [SkippableFact]
    public async Task A_resolver_on_an_indirectly_connected_node_is_refused_at_the_deadline_and_on_a_downed_node_not_at_all()
    {
        var a = NewLease("a");
        Assert.True(await a.Acquire());
        var standing = ResolverStanding.IndirectlyConnected;
        var b = NewLease("b", standing: () => standing);
        var withCallback = NewLease("c", standing: () => ResolverStanding.Downed);

        var clock = Stopwatch.StartNew();
        Assert.False(await b.Acquire());
        Assert.True(clock.Elapsed >= OperationTimeout, $"refused after {clock.Elapsed}, before the deadline");
        Assert.False(await withCallback.Acquire(_ => { })); // another acquirer than the resolver is not kept waiting

        standing = ResolverStanding.Downed;
        var pending = b.Acquire();
        Assert.NotSame(pending, await Task.WhenAny(pending, Task.Delay(OperationTimeout * 2)));
        await a.Release();
        Assert.True(await pending.WaitAsync(OperationTimeout), "the downed node's resolver takes the lease once it is free");
    }

    [SkippableFact]
    public async Task An_acquirer_with_a_callback_never_takes_the_lease_from_a_live_holder_even_of_its_side()
    {
        var a = NewLease("a", sameSide: owner => owner == "b");
        var b = NewLease("b", sameSide: owner => owner == "a");
        Assert.True(await a.Acquire());

        Assert.False(await b.Acquire(_ => { }));

        Assert.True(a.CheckLease());
    }

    [SkippableFact]
    public async Task A_removed_incarnation_is_fenced_and_never_takes_the_lease_even_a_free_one_while_its_successor_can()
    {
        var table = Track(OpenTable(TimeSpan.FromSeconds(1)));
        table.Fence("127.0.0.1:5000/17");
        table.Fence("127.0.0.1:5000/17"); // every survivor writes it
        var woken = NewLease("woken", self: "127.0.0.1:5000/17");
        var successor = NewLease("successor", self: "127.0.0.1:5000/18");

        Assert.False(await woken.Acquire());

        Assert.Null(table.Current(Name));
        Assert.True(table.IsFenced("127.0.0.1:5000/17"));
        Assert.False(table.IsFenced("127.0.0.1:5000/18"));
        Assert.True(await successor.Acquire());
    }

    [SkippableFact]
    public void Fences_older_than_the_retention_are_pruned_when_another_is_written()
    {
        var table = Track(OpenTable(TimeSpan.FromSeconds(1)));
        table.Fence("127.0.0.1:5000/1");
        table.Fence("127.0.0.1:5000/2");
        using (var connection = Connect()) // the first fence, made as if the retention and a day ago
            Run(connection, $"UPDATE lease_fences SET fenced = fenced - {(long)(LeaseTable.FenceRetention + TimeSpan.FromDays(1)).TotalMicroseconds} WHERE member = '127.0.0.1:5000/1'");
        Assert.True(table.IsFenced("127.0.0.1:5000/1")); // reads prune nothing

        table.Fence("127.0.0.1:5000/3");

        Assert.False(table.IsFenced("127.0.0.1:5000/1"));
        Assert.True(table.IsFenced("127.0.0.1:5000/2"));
        Assert.True(table.IsFenced("127.0.0.1:5000/3"));
    }

    [SkippableFact]
    public async Task Live_members_are_the_rows_renewed_within_their_time_to_live_and_a_member_that_leaves_is_forgotten()
    {
        var table = Track(OpenTable(OperationTimeout));
        var other = Track(OpenTable(OperationTimeout)); // another node's view of the same store
        table.RecordMember("127.0.0.1:5001/1", "akka.ssl.tcp://ssi@127.0.0.1:5001", TimeSpan.FromSeconds(30));
        table.RecordMember("127.0.0.1:5002/2", "akka.ssl.tcp://ssi@127.0.0.1:5002", TimeSpan.FromMilliseconds(600));
        table.RecordMember("127.0.0.1:5003/3", "akka.ssl.tcp://ssi@127.0.0.1:5003", TimeSpan.FromSeconds(30));

        var live = other.LiveMembers();
        Assert.Equal(["127.0.0.1:5001/1", "127.0.0.1:5002/2", "127.0.0.1:5003/3"], live.Select(m => m.Member));
        Assert.Equal("akka.ssl.tcp://ssi@127.0.0.1:5001", live[0].Address);
        Assert.InRange(live[0].ExpiresIn, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));

        other.ForgetMember("127.0.0.1:5003/3");
        other.ForgetMember("127.0.0.1:5003/3"); // idempotent
        // The member that stopped renewing expires by the store's clock; the renewed one stays.
        await AwaitAsync(() => other.LiveMembers().Select(m => m.Member).SequenceEqual(["127.0.0.1:5001/1"]), TimeSpan.FromSeconds(10),
            "only the member renewed for 30 s left live");
        table.RecordMember("127.0.0.1:5002/2", "akka.ssl.tcp://ssi@127.0.0.1:5002", TimeSpan.FromSeconds(30)); // back, renewed
        Assert.Equal(["127.0.0.1:5001/1", "127.0.0.1:5002/2"], other.LiveMembers().Select(m => m.Member));
    }

    [SkippableFact]
    public void Rows_of_members_that_expired_longer_ago_than_the_retention_are_pruned_by_a_renewal()
    {
        var table = Track(OpenTable(OperationTimeout));
        table.RecordMember("127.0.0.1:5001/1", "akka.ssl.tcp://ssi@127.0.0.1:5001", TimeSpan.FromSeconds(30));
        table.RecordMember("127.0.0.1:5002/2", "akka.ssl.tcp://ssi@127.0.0.1:5002", TimeSpan.FromSeconds(30));
        using (var connection = Connect()) // the first, expired as if the retention and a day ago
            Run(connection, $"UPDATE cluster_members SET expires = expires - {(long)(LeaseTable.MemberRetention + TimeSpan.FromDays(1)).TotalMicroseconds} WHERE member = '127.0.0.1:5001/1'");

        table.RecordMember("127.0.0.1:5002/2", "akka.ssl.tcp://ssi@127.0.0.1:5002", TimeSpan.FromSeconds(30));

        using var check = Connect();
        using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM cluster_members";
        Assert.Equal(1L, Convert.ToInt64(count.ExecuteScalar()));
    }

    [SkippableFact]
    public async Task A_released_lease_goes_to_a_rival_at_once()
    {
        var a = NewLease("a");
        var b = NewLease("b");
        Assert.True(await a.Acquire());

        Assert.True(await a.Release());

        Assert.False(a.CheckLease());
        var clock = Stopwatch.StartNew();
        Assert.True(await b.Acquire());
        Assert.True(clock.Elapsed < TimeToLive, $"the rival waited {clock.Elapsed}");
        Assert.True(b.CheckLease());
    }

    [SkippableFact]
    public async Task The_row_of_a_holder_that_crashed_expires_and_a_rival_takes_it_within_one_acquire()
    {
        var table = Track(OpenTable(TimeSpan.FromSeconds(1)));
        Assert.True(table.TryAcquire(Name, "crashed#0", TimeToLive).Acquired); // a holder that never renews
        var b = NewLease("b");

        var clock = Stopwatch.StartNew();
        Assert.True(await b.Acquire());

        Assert.InRange(clock.Elapsed, TimeToLive - Margin, OperationTimeout);
        Assert.Equal(b.Owner, table.Current(Name)!.Owner);
    }

    [SkippableFact]
    public async Task A_holder_cut_off_from_the_store_stops_counting_on_the_lease_before_a_rival_can_take_it()
    {
        var lost = new TaskCompletionSource<(Exception Reason, long At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = NewLease("a");
        Assert.True(await a.Acquire(e => lost.TrySetResult((e, Stopwatch.GetTimestamp()))));
        var b = NewLease("b");

        using (BlockWriters())
        {
            var (reason, _) = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.IsType<LeaseTimeoutException>(reason);
            Assert.False(a.CheckLease());
        }
        Assert.True(await b.Acquire());
        var rivalAt = Stopwatch.GetTimestamp();
        Assert.True((await lost.Task).At < rivalAt);
        Assert.False(a.CheckLease());
    }

    [SkippableFact]
    public async Task A_holder_whose_row_was_taken_loses_the_lease_at_its_next_renewal_and_without_a_callback_runs_its_default()
    {
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = NewLease("a", whenLost: e => lost.TrySetResult(e));
        Assert.True(await a.Acquire());
        var table = Track(OpenTable(TimeSpan.FromSeconds(1)));
        table.Release(Name, a.Owner); // as if the row had lapsed and another owner took it
        Assert.True(table.TryAcquire(Name, "usurper#0", TimeSpan.FromSeconds(30)).Acquired);

        var reason = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("usurper", reason.Message);
        Assert.False(a.CheckLease());
    }

    [Fact]
    public void Settings_that_leave_the_holder_no_time_or_let_an_acquire_give_up_on_a_dead_holder_are_refused()
    {
        var second = TimeSpan.FromSeconds(1);
        static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
        Assert.Throws<ConfigurationException>(() => new StoreLeaseSettings(second, Ms(500), Ms(2000), Ms(500), true).Validate());
        Assert.Throws<ConfigurationException>(() => new StoreLeaseSettings(second, Ms(200), second, Ms(300), true).Validate());
        new StoreLeaseSettings(second, Ms(200), Ms(2000), Ms(300), true).Validate();
    }

    /// <summary>Releases a lease at the end of a test, so its timer stops.</summary>
    private sealed class Releaser(StoreLease lease) : IDisposable
    {
        public void Dispose()
        {
            if (lease.CheckLease()) lease.Release().Wait(TimeSpan.FromSeconds(5));
        }
    }

    public virtual void Dispose()
    {
        lock (_opened)
            foreach (var d in Enumerable.Reverse(_opened).ToList()) d.Dispose();
    }

    protected static void Run(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
