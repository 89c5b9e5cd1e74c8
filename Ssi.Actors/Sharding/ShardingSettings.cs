// Settings of how our code calls sharded entities (ssi.sharding), read once; Akka's own keys are akka.cluster.sharding.
using Akka.Configuration;

namespace Ssi.Actors.Sharding;

/// <param name="CallAttempt">How long one attempt of a call to an entity's owner waits before a repeatable call is sent again.</param>
/// <param name="CallDeadline">How long a call to an entity's owner keeps trying before it fails.</param>
/// <param name="OperationTimeout">How long one operation of a <see cref="SerialEntity"/> may take before its caller gets ETIMEDOUT.</param>
public sealed record ShardingSettings(TimeSpan CallAttempt, TimeSpan CallDeadline, TimeSpan OperationTimeout)
{
    public static ShardingSettings Create(Config config)
    {
        var c = config.GetConfig("ssi.sharding") ?? throw new ConfigurationException("ssi.sharding is missing (reference.conf not loaded?)");
        return new ShardingSettings(c.GetTimeSpan("call-attempt"), c.GetTimeSpan("call-deadline"), c.GetTimeSpan("operation-timeout"));
    }
}
