// Typed view of a store lease's keys (ssi.cfs.lease, with Akka's lease defaults under it); nothing else reads them.
using Akka.Configuration;
using Akka.Coordination;

namespace Ssi.Cfs.Leases;

/// <param name="TimeToLive">How long one acquire or renewal keeps the row ours (Akka's heartbeat-timeout).</param>
/// <param name="RenewInterval">How often the holder renews (Akka's heartbeat-interval, under half the time to live).</param>
/// <param name="OperationTimeout">How long an acquire keeps trying, and how long one statement waits for the store.</param>
/// <param name="SafetyMargin">
/// How much sooner than the row's expiry the holder stops counting on the lease: room for the holder's clock to run
/// slower than the store's and for the tick that notices, so the holder has given up before anyone else can take over.
/// </param>
/// <param name="DownSelfWhenLost">
/// When the lease is lost and its acquirer gave no callback (the Split Brain Resolver gives none), the node downs
/// itself and shuts down: it can no longer prove that its side won.
/// </param>
public sealed record StoreLeaseSettings(TimeSpan TimeToLive, TimeSpan RenewInterval, TimeSpan OperationTimeout, TimeSpan SafetyMargin, bool DownSelfWhenLost)
{
    public static StoreLeaseSettings Create(LeaseSettings lease)
    {
        var timeouts = lease.TimeoutSettings;
        var settings = new StoreLeaseSettings(
            timeouts.HeartbeatTimeout,
            timeouts.HeartbeatInterval,
            timeouts.OperationTimeout,
            lease.LeaseConfig.GetTimeSpan("safety-margin", TimeSpan.FromSeconds(1)),
            lease.LeaseConfig.GetBoolean("down-self-when-lost", true));
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// The margin must leave the holder some time to use what it renewed; the acquire must outlast a dead holder's row,
    /// or a side whose only rival crashed while holding the lease would give up and down itself.
    /// </summary>
    public void Validate()
    {
        if (SafetyMargin < TimeSpan.Zero || SafetyMargin + RenewInterval >= TimeToLive)
            throw new ConfigurationException($"lease safety-margin ({SafetyMargin}) plus heartbeat-interval ({RenewInterval}) must be below heartbeat-timeout ({TimeToLive})");
        if (OperationTimeout <= TimeToLive)
            throw new ConfigurationException($"lease-operation-timeout ({OperationTimeout}) must be longer than heartbeat-timeout ({TimeToLive})");
    }
}
