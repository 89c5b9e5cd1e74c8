// Cluster Sharding with entities grouped into a fixed number of shards, keyed by a number.
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Ssi.Actors.Protocol;

namespace Ssi.Actors.Sharding;

/// <summary>A message for one sharded entity, named by a number (an inode, an open file description, a PID).</summary>
public interface IShardedMessage : ISsiMessage
{
    long EntityKey { get; }
}

/// <summary>
/// Entity <c>k</c> lives in shard <c>k mod shards</c>. Shards are few and fixed, so the coordinator's state stays
/// small (a shard per entity collapses past a few thousand entities; see docs/architecture.md), and consecutive
/// keys spread evenly over the shards.
/// </summary>
public sealed class GroupedShardExtractor(int shards) : IMessageExtractor
{
    public int Shards { get; } = shards > 0 ? shards : throw new ArgumentOutOfRangeException(nameof(shards));

    public string? EntityId(object message) => message switch
    {
        IShardedMessage m => m.EntityKey.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => message switch
    {
        IShardedMessage m => ShardOf(m.EntityKey),
        _ => null,
    };

    public string ShardId(string entityId, object? messageHint = null) =>
        ShardOf(long.Parse(entityId, NumberStyles.Integer, CultureInfo.InvariantCulture));

    private string ShardOf(long key) => ((int)(Math.Abs(key % Shards))).ToString(CultureInfo.InvariantCulture);

    /// <summary>The key of the entity an actor is: its name is the entity id.</summary>
    public static long KeyOf(IActorRef self) => long.Parse(Uri.UnescapeDataString(self.Path.Name), CultureInfo.InvariantCulture);
}
