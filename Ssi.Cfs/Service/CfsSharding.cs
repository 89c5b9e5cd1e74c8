// Starts the sharded entity types of the file system on a node: inodes and open file descriptions.
using Akka.Actor;
using Akka.Cluster.Sharding;
using Ssi.Actors.Identity;
using Ssi.Actors.Sharding;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Storage;

namespace Ssi.Cfs.Service;

/// <summary>
/// The shard regions through which any node reaches any inode's owner and any open file description, and the way
/// calls to those owners are made (<see cref="OwnerCalls"/>).
/// </summary>
public sealed record CfsRegions(IActorRef Inodes, IActorRef OpenFiles, OwnerCalls Owners)
{
    /// <summary>
    /// Starts both regions. Call it when the node starts, before any traffic (sharding's serializers register lazily).
    /// Every node hosts shards; the shard count is fixed by <c>ssi.cfs.shards</c> and must agree across the cluster.
    /// </summary>
    public static CfsRegions Start(ActorSystem system, NodeNumber node, FileSystemOperations fs, IInodeStore store, int shards, ShardingSettings entities)
    {
        var sharding = ClusterSharding.Get(system);
        var settings = ClusterShardingSettings.Create(system);
        var strategy = sharding.DefaultShardAllocationStrategy(settings);
        var extractor = new GroupedShardExtractor(shards);
        var owners = new OwnerCalls(entities);
        var inodes = sharding.Start(InodeEntity.TypeName, _ => InodeEntity.Props(fs, store, node, entities.OperationTimeout), settings,
            extractor, strategy, SerialEntity.Stop.Instance);
        var openFiles = sharding.Start(OpenFileEntity.TypeName, _ => OpenFileEntity.Props(store, inodes, owners, entities.OperationTimeout),
            settings, extractor, strategy, SerialEntity.Stop.Instance);
        return new CfsRegions(inodes, openFiles, owners);
    }
}
