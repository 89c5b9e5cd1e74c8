// An Akka.Coordination lease held in the cluster's store, renewed by a heartbeat: the Split Brain Resolver's arbiter.
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Coordination;
using Akka.Event;
using Ssi.Actors.Configuration;
using Ssi.Cfs.Service;

namespace Ssi.Cfs.Leases;

/// <summary>
/// A row in the store's <c>leases</c> table (<see cref="LeaseTable"/>). Acquire takes it if it is free, ours or
/// expired; while held, a timer renews it every renew interval. The holder counts on it only until the moment it sent
/// its last successful renewal plus the time to live minus the safety margin, on a monotonic clock that keeps running
/// while the process is paused: a holder that was stopped or starved past that point finds the lease lost before it
/// renews, and by then nobody else could have taken it, because the row outlives that point by the margin. Loss calls
/// the acquirer's callback, or, for an acquirer without one (the Split Brain Resolver), downs this node.
///
/// The resolver holds the lease for a while after each decision (its release-after), and the next decision may fall to
/// another leader of the same side. So an acquirer without a callback takes the row over from a holder that this node
/// sees on its side (<c>sameSide</c>: reachable, only indirectly connected, or already down), and such a holder, finding at its next
/// renewal that a reachable member took the row, steps down without downing itself. A holder on the other side of a
/// partition is unreachable, so it is never taken over; its row is taken only when it lapses, as before. A resolver on
/// a node that is itself indirectly connected or downed is not refused at once (<see cref="ResolverStanding"/>).
///
/// A node the cluster removed is fenced (<see cref="LeaseFences"/>): a node frozen long enough for the winner to release
/// the lease wakes up seeing everyone else unreachable, and without the fence it would take the free lease and carry on
/// alone beside the survivors. Fenced, its acquire answers no, and its resolver downs it.
///
/// State: <c>_held</c>, <c>_validUntil</c>, <c>_callback</c>, <c>_generation</c> and <c>_timer</c> are guarded by
/// <c>_gate</c>; <c>_renewing</c> (one renewal at a time) is set with Interlocked.
/// </summary>
public sealed class StoreLease : Lease
{
    private readonly StoreLeaseSettings _options;
    private readonly Func<LeaseTable> _open;
    private readonly object _tableGate = new();
    private LeaseTable? _table;
    private readonly Action<Exception>? _whenLostWithoutCallback;
    private readonly Func<string, bool> _sameSide;
    private readonly Func<ResolverStanding> _standing;
    private volatile bool _disposed;
    private readonly Func<string?> _self;
    private readonly ILoggingAdapter _log;
    private readonly object _gate = new();
    private bool _held;
    private long _validUntil;
    private Action<Exception>? _callback;
    private int _generation;
    private Timer? _timer;
    private int _renewing;

    /// <summary>What Akka's LeaseProvider calls: the store is the one the node's ssi.cfs keys name.</summary>
    public StoreLease(LeaseSettings settings, ExtendedActorSystem system)
        : this(settings, () => CfsSettings.Create(system.Settings.Config, SsiHome.FromEnvironment()).OpenLeaseTable(StoreLeaseSettings.Create(settings).OperationTimeout),
            Logging.GetLogger(system, typeof(StoreLease)), DownSelf(system, StoreLeaseSettings.Create(settings)), ReachableMember(system),
            () => LeaseFences.MemberName(Cluster.Get(system).SelfUniqueAddress), () => ResolverStandings.Of(Cluster.Get(system)))
    {
        system.WhenTerminated.ContinueWith(_ => Dispose(), TaskScheduler.Default);
    }

    /// <param name="table">Opens the table on first use (a node's store is ready only after its actor system is).</param>
    /// <param name="whenLostWithoutCallback">What losing a lease acquired without a callback does.</param>
    /// <param name="sameSide">Whether an owner name (without its incarnation) is a member this node sees up and reachable.</param>
    /// <param name="self">This node's incarnation as fences name it (<see cref="LeaseFences.MemberName"/>), or null.</param>
    /// <param name="standing">Whether an acquirer without a callback may be refused at once (<see cref="ResolverStanding"/>).</param>
    public StoreLease(LeaseSettings settings, Func<LeaseTable> table, ILoggingAdapter log, Action<Exception>? whenLostWithoutCallback,
        Func<string, bool>? sameSide = null, Func<string?>? self = null, Func<ResolverStanding>? standing = null) : base(settings)
    {
        _sameSide = sameSide ?? (_ => false);
        _standing = standing ?? (() => ResolverStanding.Member);
        _self = self ?? (() => null);
        _options = StoreLeaseSettings.Create(settings);
        _open = table;
        _log = log;
        _whenLostWithoutCallback = whenLostWithoutCallback;
        // One incarnation, one owner: a node started again on the same host and port is not its dead predecessor.
        Owner = settings.OwnerName + "#" + Guid.NewGuid().ToString("N")[..8];
    }

    /// <summary>The owner as written in the store: the acquirer's name and this incarnation.</summary>
    public string Owner { get; }

    private string Name => Settings.LeaseName;

    /// <summary>The table, opened on first use; a failed open (the store briefly unreachable) is tried again next time.</summary>
    private LeaseTable Table
    {
        get
        {
            lock (_tableGate) return _table ??= _open();
        }
    }

    public override Task<bool> Acquire() => AcquireAsync(null);

    public override Task<bool> Acquire(Action<Exception> leaseLostCallback) => AcquireAsync(leaseLostCallback);

    public override bool CheckLease()
    {
        lock (_gate) return _held && Stopwatch.GetTimestamp() < _validUntil;
    }

    public override Task<bool> Release()
    {
        lock (_gate)
        {
            _held = false;
            _generation++;
            StopTimer();
        }
        return Task.Run(() =>
        {
            Table.Release(Name, Owner);
            _log.Info("released lease {0}", Name);
            return true;
        });
    }

    /// <summary>
    /// Tries until the operation timeout. A rival row that has not moved by the time it expires belonged to a holder
    /// that stopped renewing (it crashed), so the next try takes it; a rival that renews while we watch is alive, and
    /// the answer is false at once rather than at the timeout. Except for the resolver of a node that is itself
    /// indirectly connected (it watches until the timeout) or already downed (it watches until the node stops): see
    /// <see cref="ResolverStanding"/>.
    /// </summary>
    private async Task<bool> AcquireAsync(Action<Exception>? callback)
    {
        var deadline = Stopwatch.GetTimestamp() + Ticks(_options.OperationTimeout);
        (string Owner, long ExpiresAt)? watched = null;
        Exception? failure = null;
        var self = _self();
        // The winner holds the lease for a while after removing a node, so checking first leaves no gap to exploit.
        if (self is not null && await Task.Run(() => Table.IsFenced(self)))
        {
            _log.Error("lease {0}: the cluster removed this node ({1}) while it could not hear (frozen or cut off); it will not take the lease, and its resolver downs it", Name, self);
            return false;
        }
        while (true)
        {
            var wait = _options.RenewInterval;
            var sent = Stopwatch.GetTimestamp();
            try
            {
                var row = await Task.Run(() => Table.TryAcquire(Name, Owner, _options.TimeToLive));
                failure = null;
                if (row.Acquired)
                {
                    Hold(sent, callback);
                    _log.Info("acquired lease {0} as {1}", Name, Owner);
                    return true;
                }
                if (callback is null && OnThisSide(row.Owner))
                {
                    sent = Stopwatch.GetTimestamp();
                    var previous = row.Owner;
                    if (await Task.Run(() => Table.TakeOver(Name, previous, Owner, _options.TimeToLive)))
                    {
                        Hold(sent, callback);
                        _log.Info("took lease {0} over from {1}, a reachable member of this side", Name, previous);
                        return true;
                    }
                    continue; // the row moved meanwhile: look again
                }
                if (watched is { } seen && (seen.Owner != row.Owner || seen.ExpiresAt != row.ExpiresAt)
                    && Patience(callback, deadline) is ResolverStanding.Member)
                {
                    _log.Info("lease {0} is held by {1}, which renews it", Name, row.Owner);
                    return false;
                }
                watched = (row.Owner, row.ExpiresAt);
                if (row.ExpiresIn < wait) wait = row.ExpiresIn;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                failure = e;
            }
            var left = TimeSpan.FromTicks((deadline - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            if (_disposed) return false; // the node stopped: nobody waits for the answer
            if (left <= TimeSpan.Zero && Patience(callback, deadline) is ResolverStanding.Downed) left = _options.RenewInterval;
            else if (left <= TimeSpan.Zero)
            {
                if (failure is not null) throw new LeaseTimeoutException($"lease {Name}: the store did not answer within {_options.OperationTimeout}: {failure.Message}");
                _log.Info("lease {0} is still held by {1} after {2}", Name, watched?.Owner, _options.OperationTimeout);
                return false;
            }
            await Task.Delay(Clamp(wait, left));
        }
    }

    /// <summary>
    /// How long a refusal may wait, logged once per change: a resolver whose node is indirectly connected waits until
    /// the deadline, one whose node is downed until the node stops, any other acquirer not at all.
    /// </summary>
    private ResolverStanding Patience(Action<Exception>? callback, long deadline)
    {
        if (callback is not null) return ResolverStanding.Member;
        var standing = _standing();
        if (standing is ResolverStanding.IndirectlyConnected && Stopwatch.GetTimestamp() >= deadline) return ResolverStanding.Member;
        if (standing != _lastPatience)
        {
            _lastPatience = standing;
            if (standing is not ResolverStanding.Member)
                _log.Info("lease {0}: its holder renews it, but this node is {1}: waiting for the member that downs it rather than refusing its resolver, whose reversal would down the members it reaches",
                    Name, standing is ResolverStanding.Downed ? "already downed" : "itself indirectly connected");
        }
        return standing;
    }

    private ResolverStanding _lastPatience = ResolverStanding.Member;

    private static TimeSpan Clamp(TimeSpan wait, TimeSpan left)
    {
        var floor = TimeSpan.FromMilliseconds(10); // not a tunable: a retry just after the rival's expiry
        var delay = wait + floor;
        return delay < left ? delay : left;
    }

    private void Hold(long sent, Action<Exception>? callback)
    {
        lock (_gate)
        {
            _held = true;
            _validUntil = sent + Ticks(_options.TimeToLive - _options.SafetyMargin);
            _callback = callback;
            _generation++;
            _timer ??= new Timer(_ => Tick(), null, _options.RenewInterval, _options.RenewInterval);
        }
    }

    /// <summary>Each renew interval: give up if the lease can no longer be proven, else renew it (one renewal at a time).</summary>
    private void Tick()
    {
        int generation;
        lock (_gate)
        {
            if (!_held) return;
            if (Stopwatch.GetTimestamp() >= _validUntil)
            {
                Lose(new LeaseTimeoutException($"lease {Name}: not renewed in time (the store did not answer, or this node was paused)"));
                return;
            }
            generation = _generation;
        }
        if (Interlocked.Exchange(ref _renewing, 1) == 1) return;
        try
        {
            var sent = Stopwatch.GetTimestamp();
            var row = Table.TryAcquire(Name, Owner, _options.TimeToLive);
            bool late;
            lock (_gate)
            {
                // A renewal that lands after the lease was lost or released would keep the row from a rival for a whole
                // time to live, and make its holder look alive: take it back.
                late = !_held && row.Acquired;
                if (_held && generation == _generation)
                {
                    if (row.Acquired) _validUntil = Math.Max(_validUntil, sent + Ticks(_options.TimeToLive - _options.SafetyMargin));
                    else if (_callback is null && OnThisSide(row.Owner)) StepDown(row.Owner);
                    else Lose(new LeaseException($"lease {Name}: taken by {row.Owner}"));
                }
            }
            if (late) Table.Release(Name, Owner);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            _log.Warning("lease {0}: renewal failed: {1}", Name, e.Message);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>An owner as written in the store, minus its incarnation, is a member this node sees up and reachable.</summary>
    private bool OnThisSide(string owner)
    {
        var hash = owner.LastIndexOf('#');
        return _sameSide(hash < 0 ? owner : owner[..hash]);
    }

    /// <summary>Called under <c>_gate</c>: a reachable member of this side took the row over for its own decision.</summary>
    private void StepDown(string taker)
    {
        _held = false;
        _generation++;
        StopTimer();
        _log.Info("lease {0} was taken over by {1}, a reachable member of this side; no longer holding it", Name, taker);
    }

    /// <summary>Called under <c>_gate</c>: the lease is gone; the callback runs on the thread pool, outside the lock.</summary>
    private void Lose(Exception reason)
    {
        _held = false;
        _generation++;
        StopTimer();
        var callback = _callback ?? _whenLostWithoutCallback;
        _log.Error("lost lease {0}: {1}", Name, reason.Message);
        if (callback is not null) ThreadPool.QueueUserWorkItem(_ => callback(reason));
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);

    /// <summary>
    /// Owner names are the resolver's (a member's host and port). One names this node's side when it is a member not
    /// removed that is unreachable by nobody, or, if some node sees it unreachable, that this node's own failure
    /// detector hears or that still sees the latest gossip (through another node). The last two are a holder
    /// "indirectly connected", one link of it broken (found by `ssi chaos`): a leader refused the lease reverses its
    /// decision, and Akka's reversal of "down the indirectly connected" downs them and its own side, which is every
    /// node. Both deciders down the same indirectly connected nodes, so both may hold the lease. A holder across a
    /// clean partition has not seen the gossip that marked it unreachable, and is never taken over.
    ///
    /// A holder this node sees down is taken over too (found by a CI run): the holder downed itself with the other end
    /// of its broken link, and renews until it stops, so the member reaching both, deciding next, was refused and
    /// reversed. This node can see it down only through gossip of this side, never across a clean partition.
    /// </summary>
    private static Func<string, bool> ReachableMember(ExtendedActorSystem system) => owner =>
    {
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        if (state.Members.FirstOrDefault(m => m.Address.HostPort() == owner && m.Status is not MemberStatus.Removed) is not { } member)
            return false;
        if (member.Status is MemberStatus.Down) return true;
        if (!state.Unreachable.Any(m => m.Address.HostPort() == owner)) return true;
        return cluster.FailureDetector.IsMonitoring(member.Address) && cluster.FailureDetector.IsAvailable(member.Address)
            || state.SeenBy.Contains(member.Address);
    };

    /// <summary>A node that lost the lease cannot prove its side won: it downs itself and runs its coordinated shutdown.</summary>
    private static Action<Exception>? DownSelf(ExtendedActorSystem system, StoreLeaseSettings options) => !options.DownSelfWhenLost ? null : _ =>
    {
        if (system.WhenTerminated.IsCompleted) return;
        var cluster = Cluster.Get(system);
        cluster.Down(cluster.SelfAddress);
        CoordinatedShutdown.Get(system).Run(LeaseLostReason.Instance);
    };

    private void Dispose()
    {
        _disposed = true;
        lock (_gate)
        {
            _held = false;
            StopTimer();
        }
        lock (_tableGate) _table?.Dispose();
    }
}

/// <summary>The coordinated shutdown's reason when a node stops because it lost the downing lease.</summary>
public sealed class LeaseLostReason : CoordinatedShutdown.Reason
{
    public static readonly LeaseLostReason Instance = new();
    private LeaseLostReason() { }
    public override int ExitCode => 0;
    public override string ToString() => "the downing lease was lost";
}
