// The one pipe of a FIFO in the whole cluster: a sharded entity per FIFO inode, found by every node that opens its path.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Pipes;

namespace Ssi.Vproc.Fifos;

/// <summary>Which pipe is FIFO <see cref="Fifo"/>'s; answered with <see cref="FifoPipe"/>.</summary>
public sealed record FifoPipeOf(InodeNumber Fifo) : ISsiMessage;

public sealed record FifoPipe(InodeNumber Fifo, IActorRef Pipe) : ISsiMessage;

/// <summary>
/// Keyed by the FIFO's inode number, so every node that opens the same path reaches the same pipe (a
/// <see cref="PipeActor"/> child, on the node that hosts this entity). Processes then talk to the pipe directly.
/// Never passivated: descriptors hold the pipe's reference. If its node is lost the pipe is lost with it; the next
/// open makes a new, empty one.
/// </summary>
public sealed class FifoEntity : ReceiveActor
{
    public const string TypeName = "fifo";

    private IActorRef? _pipe;

    public FifoEntity(IActorRef processes)
    {
        Receive<FifoPipeOf>(of => Sender.Tell(new FifoPipe(of.Fifo, _pipe ??= Context.ActorOf(PipeActor.Props(processes, holder: null), "pipe"))));
        Receive<Stop>(_ => Context.Stop(Self));
    }

    /// <summary>The shard's stop message (hand-off when a node leaves).</summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    public static Props Props(IActorRef processes) => Akka.Actor.Props.Create(() => new FifoEntity(processes));

    /// <summary>A FIFO's inode number is its entity id; a few shards spread them over the nodes.</summary>
    public sealed class Extractor(int shards) : HashCodeMessageExtractor(shards)
    {
        public override string? EntityId(object message) => message is FifoPipeOf of ? of.Fifo.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Starts the FIFO region on a node; <paramref name="processes"/> is the node's process service, which delivers the pipes' answers.</summary>
    public static IActorRef StartRegion(ActorSystem system, IActorRef processes)
    {
        var settings = ClusterShardingSettings.Create(system).WithPassivateIdleAfter(TimeSpan.Zero);
        return ClusterSharding.Get(system).Start(TypeName, Props(processes), settings, new Extractor(30), new StayWhereFirstUsed(), Stop.Instance);
    }

    /// <summary>A shard goes to the node that first needs it, and is never moved: moving it would stop pipes that descriptors refer to.</summary>
    private sealed class StayWhereFirstUsed : IShardAllocationStrategy
    {
        public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> current) =>
            Task.FromResult(current.ContainsKey(requester) ? requester : current.Keys.First());

        public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> current, IImmutableSet<string> inProgress) =>
            Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
    }
}
