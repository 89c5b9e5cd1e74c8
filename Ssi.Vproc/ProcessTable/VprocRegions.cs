// The shard region of processes: a process's shard is on the node that created it, found from its PID alone.
using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using Ssi.Actors.Identity;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// Process <c>p</c> of node <c>n</c> lives in shard <c>"n-(p mod k)"</c>, k = <c>ssi.vproc.shards-per-node</c>:
/// a handful of shards per node keeps the coordinator small at any number of processes, and the shard's name says
/// which node must host it. Init (PID 1) is in shard "0-0", which any node may host.
/// </summary>
public sealed class ProcessShardExtractor(int shardsPerNode) : IMessageExtractor
{
    public string? EntityId(object message) => message switch
    {
        Migration.AtNode a => a.Message.Pid.ToString(),
        IWithPid m => m.Pid.ToString(),
        _ => null,
    };

    public object? EntityMessage(object message) => message switch
    {
        Migration.AtNode { Relayed: true } a => new Migration.RelayedMessage(a.Message),
        Migration.AtNode a => a.Message,
        _ => message,
    };

    /// <summary>A PID's own shard is on its origin node; <see cref="Migration.AtNode"/> names another node's.</summary>
    public string? ShardId(object message) => message switch
    {
        Migration.AtNode a => $"{a.Node}-{a.Message.Pid.Value % shardsPerNode}",
        IWithPid m => ShardOf(m.Pid),
        _ => null,
    };

    // Sharding asks with the entity id and the message itself; the message decides (it may name another node).
    public string ShardId(string entityId, object? messageHint = null) =>
        messageHint is not null && ShardId(messageHint) is { } shard ? shard : ShardOf(new Pid(int.Parse(entityId, CultureInfo.InvariantCulture)));

    public string ShardOf(Pid pid) => $"{pid.Origin?.Value ?? 0}-{(pid.IsInit ? 0 : pid.Value % shardsPerNode)}";

    /// <summary>The node that must host a shard, null for one that may be anywhere (init's "0-0").</summary>
    public static NodeNumber? HomeOf(string shardId) =>
        int.TryParse(shardId.AsSpan(0, Math.Max(0, shardId.IndexOf('-'))), NumberStyles.None, CultureInfo.InvariantCulture, out var node) && node > 0 ? new NodeNumber(node) : null;
}

/// <summary>
/// Puts each shard on its home node. While the home node is down, a shard may stand in elsewhere (messages to the dead
/// node's PIDs then get ESRCH there); once the home node is back, the shard is moved home. Init's shard goes where
/// fewest shards are and is never moved.
/// </summary>
/// <param name="rebalanceBatch">The most shards moved home in one rebalance round.</param>
public sealed class HomeNodeAllocation(ActorSystem system, int rebalanceBatch) : IShardAllocationStrategy
{
    private readonly Cluster _cluster = Cluster.Get(system);

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> current)
    {
        var home = ProcessShardExtractor.HomeOf(shardId);
        // A joining home counts: its region is registered, and a shard placed elsewhere now must be moved home later,
        // which stops whatever arrived in it meanwhile.
        if (home is not null && current.Keys.FirstOrDefault(r => NodeOf(r, joining: true) == home) is { } region) return Task.FromResult(region);
        var fewest = current.OrderBy(c => c.Value.Count).Select(c => c.Key).FirstOrDefault() ?? requester;
        return Task.FromResult(fewest);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> current, IImmutableSet<string> inProgress)
    {
        var present = current.Keys.Select(r => NodeOf(r)).OfType<NodeNumber>().ToHashSet();
        var away = current
            .SelectMany(c => c.Value.Select(shard => (Shard: shard, Node: NodeOf(c.Key))))
            .Where(s => !inProgress.Contains(s.Shard) && ProcessShardExtractor.HomeOf(s.Shard) is { } home && home != s.Node && present.Contains(home))
            .Select(s => s.Shard)
            .Take(rebalanceBatch);
        return Task.FromResult<IImmutableSet<string>>(away.ToImmutableHashSet());
    }

    private NodeNumber? NodeOf(IActorRef region, bool joining = false)
    {
        var address = region.Path.Address.HasLocalScope ? _cluster.SelfAddress : region.Path.Address;
        var member = _cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address));
        var usable = member?.Status == MemberStatus.Up || (joining && member?.Status is MemberStatus.Joining or MemberStatus.WeaklyUp);
        return usable && NodeNumber.TryFromRoles(member!.Roles, out var n) ? n : null;
    }
}

public static class VprocRegions
{
    /// <summary>The dispatcher process entities (and so programs) run on; see reference.conf.</summary>
    public const string ProgramDispatcher = "ssi.vproc.program-dispatcher";

    /// <summary>
    /// The node's config with the program dispatcher's thread count filled in where it says 0 (one per core): Akka
    /// reads the count from the config, and a core count cannot be written in HOCON.
    /// </summary>
    public static Config WithProgramThreads(Config config)
    {
        var path = ProgramDispatcher + ".dedicated-thread-pool.thread-count";
        if (!config.HasPath(path) || config.GetInt(path) > 0) return config;
        return ConfigurationFactory.ParseString($"{path} = {Environment.ProcessorCount}").WithFallback(config);
    }

    /// <summary>
    /// Starts the process region on a node. Processes are never passivated (a sleeping process is still a process)
    /// and their shards are on their home nodes. Call it when the node starts, before any traffic.
    /// </summary>
    public static IActorRef Start(ActorSystem system, VprocNode node)
    {
        var shardsPerNode = node.Settings.ShardsPerNode;
        var sharding = ClusterSharding.Get(system);
        var settings = ClusterShardingSettings.Create(system).WithPassivateIdleAfter(TimeSpan.Zero);
        settings = settings.WithTuningParameters(settings.TuningParameters.WithRebalanceInterval(node.Settings.RebalanceInterval));
        var region = sharding.Start(ProcessEntity.TypeName,
            entityId => entityId == "1" ? InitProcess.Props(node) : ProcessEntity.Props(node).WithDispatcher(ProgramDispatcher),
            settings, new ProcessShardExtractor(shardsPerNode), new HomeNodeAllocation(system, node.Settings.RebalanceBatch), ProcessEntity.Stop.Instance);
        Fifos.FifoEntity.StartRegion(system, node.Service);
        Cluster.Get(system).RegisterOnMemberUp(() =>
        {
            AllocateOwnShards(region, node.Node, shardsPerNode);
            Task.Run(() => WarmUpMoves(system, node.Node));
        });
        return region;
    }

    /// <summary>
    /// Captures, serializes and restores a process once, off the actor threads, so that the first real move does not
    /// pay for generating serializers and compiling their code (measured: about 0.6 s on a 2-core machine).
    /// </summary>
    private static void WarmUpMoves(ActorSystem system, NodeNumber node)
    {
        try
        {
            var args = new[] { "/bin/true" };
            var image = Programs.ProgramImage.Start(new ProcessEntity.Launcher(args[0], args), new Programs.ProcessContext(args, ImmutableDictionary<string, string>.Empty));
            image.Frames[^1].Calls.MoveNext();
            var pid = Pid.Of(node, 1);
            var state = new ProcessState
            {
                Pid = pid, Parent = Pid.Init, ParentNode = node, Pgid = pid, Sid = pid, Credentials = Cfs.Permissions.Credentials.Root,
                Cwd = "/", Node = node, StartTime = DateTimeOffset.UtcNow, Command = args[0],
            };
            var arrive = new Migration.Arrive(pid, state, image.Capture(), new Programs.Exec(args[0], args), false, null);
            var serialization = system.Serialization;
            var serializer = serialization.FindSerializerFor(arrive);
            var copy = (Migration.Arrive)serialization.Deserialize(serializer.ToBinary(arrive), serializer.Identifier, typeof(Migration.Arrive));
            Programs.ProgramImage.Restore(copy.Snapshot);
        }
        catch (Exception e)
        {
            system.Log.Warning("warming up process moves failed (the first move will be slower): {0}", e.Message);
        }
    }

    /// <summary>
    /// Has the coordinator allocate every shard of this node now, with a query for an unused PID of each: the first
    /// process born in a shard, or the first to move into it, then finds it in place instead of waiting for it.
    /// </summary>
    private static void AllocateOwnShards(IActorRef region, NodeNumber node, int shardsPerNode)
    {
        var top = node.Value * Pid.PerNode + Pid.PerNode - 1 - shardsPerNode;
        for (var k = 0; k < shardsPerNode; k++)
            region.Tell(new Migration.AtNode(node, new GetProcessInfo(new Pid(top - top % shardsPerNode + k))), ActorRefs.Nobody);
    }
}
