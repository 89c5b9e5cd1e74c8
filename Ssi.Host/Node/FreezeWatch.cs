// Notices that this node's process was frozen (SIGSTOP, a stalled VM, a long pause) and, if the cluster removed it
// meanwhile, stops it at once, before its processes and file owners act beside their successors.
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Ssi.Cfs.Leases;

namespace Ssi.Host.Node;

/// <summary>
/// A dedicated thread (not the thread pool, which a busy node may starve) wakes every <see cref="Tick"/> on a monotonic
/// clock. A gap longer than the failure detector's acceptable pause means the other nodes may have suspected, downed
/// and removed this one; the survivors fence every incarnation they remove (<see cref="LeaseFences"/>), so the watch
/// asks the store, and a fenced node downs itself and shuts down. Without it, a node woken long after its removal would
/// run for the seconds its own resolver takes to find the lease refused.
/// </summary>
public sealed class FreezeWatch
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private readonly ExtendedActorSystem _system;
    private readonly Func<LeaseTable> _open;
    private readonly TimeSpan _limit;
    private readonly ILoggingAdapter _log;

    private FreezeWatch(ExtendedActorSystem system, Func<LeaseTable> open, TimeSpan limit)
    {
        _system = system;
        _open = open;
        _limit = limit;
        _log = Logging.GetLogger(system, typeof(FreezeWatch));
    }

    /// <summary>Starts the watch; it ends with the actor system.</summary>
    public static void Start(ActorSystem system, Func<LeaseTable> open)
    {
        var limit = system.Settings.Config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause", TimeSpan.FromSeconds(3));
        var watch = new FreezeWatch((ExtendedActorSystem)system, open, limit);
        new Thread(watch.Run) { IsBackground = true, Name = "ssi-freeze-watch" }.Start();
    }

    private void Run()
    {
        LeaseTable? table = null;
        try
        {
            var last = Stopwatch.GetTimestamp();
            var lastWall = DateTime.UtcNow;
            while (!_system.WhenTerminated.Wait(Tick))
            {
                var now = Stopwatch.GetTimestamp();
                var nowWall = DateTime.UtcNow;
                // The monotonic clock stands still while the machine or VM is suspended; the wall clock does not.
                var gap = Stopwatch.GetElapsedTime(last, now);
                if (nowWall - lastWall > gap) gap = nowWall - lastWall;
                (last, lastWall) = (now, nowWall);
                if (gap <= _limit) continue;
                var self = LeaseFences.MemberName(Cluster.Get(_system).SelfUniqueAddress);
                bool fenced;
                try
                {
                    table ??= _open();
                    // Past the retention the fence may be pruned; a node gone that long was certainly removed.
                    fenced = gap >= LeaseTable.FenceRetention || table.IsFenced(self);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    _log.Warning("this node was frozen for {0:0.0} s and could not ask the store whether the cluster removed it: {1}", gap.TotalSeconds, e.Message);
                    continue;
                }
                if (!fenced)
                {
                    _log.Info("this node was paused for {0:0.0} s; the cluster has not removed it", gap.TotalSeconds);
                    continue;
                }
                _log.Error("this node was frozen for {0:0.0} s and the cluster removed this node ({1}) meanwhile; it stops", gap.TotalSeconds, self);
                Cluster.Get(_system).Down(Cluster.Get(_system).SelfAddress);
                CoordinatedShutdown.Get(_system).Run(RemovedWhileFrozenReason.Instance);
                return;
            }
        }
        finally
        {
            table?.Dispose();
        }
    }
}

/// <summary>The coordinated shutdown's reason when a node finds, after a freeze, that the cluster removed it.</summary>
public sealed class RemovedWhileFrozenReason : CoordinatedShutdown.Reason
{
    public static readonly RemovedWhileFrozenReason Instance = new();
    private RemovedWhileFrozenReason() { }
    public override int ExitCode => 0;
    public override string ToString() => "the cluster removed this node while it was frozen";
}
