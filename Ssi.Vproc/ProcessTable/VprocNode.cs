// What a node's process entities need of the node: its number, the file system, the process index and services.
using Akka.Actor;
using Akka.Cluster.Sharding;
using Ssi.Actors.Identity;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessTable;

/// <param name="Fs">The node's file-system service (/user/fs).</param>
/// <param name="Index">The node's index of the processes it hosts (<see cref="LocalProcesses"/>).</param>
/// <param name="Service">The node's process service (<see cref="ProcessService"/>): creation, group signals, listings.</param>
public sealed record VprocNode(NodeNumber Node, IActorRef Fs, IActorRef Index, IActorRef Service, ProgramCatalog Catalog, VprocSettings Settings)
{
    /// <summary>The shard region of every process in the cluster.</summary>
    public IActorRef Region(ActorSystem system) => ClusterSharding.Get(system).ShardRegion(ProcessEntity.TypeName);
}
