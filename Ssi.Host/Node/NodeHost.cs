// Builds and runs one node: its actor system, cluster membership, node monitor and client gateway.
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Membership;
using Ssi.Actors.Security;

namespace Ssi.Host.Node;

public sealed class NodeHost
{
    private NodeHost(ActorSystem system, NodeSettings settings, IActorRef monitor)
    {
        System = system;
        Settings = settings;
        Monitor = monitor;
    }

    public ActorSystem System { get; }
    public NodeSettings Settings { get; }
    public IActorRef Monitor { get; }
    public Cluster Cluster => Cluster.Get(System);

    /// <summary>
    /// The whole configuration of a node: the command line's overrides, then the deployment's files,
    /// then each module's embedded reference.conf.
    /// </summary>
    public static Config ComposeConfig(Config overrides, IEnumerable<Config> files)
    {
        var config = overrides;
        foreach (var file in files) config = config.WithFallback(file);
        return config
            .WithFallback(SsiConfig.FromAssembly(typeof(NodeHost).Assembly))
            .WithFallback(SsiConfig.Reference)
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            .WithFallback(DistributedPubSub.DefaultConfig());
    }

    /// <summary>Starts a node and begins joining the cluster; it does not wait for the node to be Up.</summary>
    public static NodeHost Start(Config config, SsiHome home)
    {
        var settings = NodeSettings.Create(config, home);
        var secret = ClusterSecret.Load(settings.SecretFile);
        var seeds = string.Join(", ", settings.SeedNodes.Select(s => $"\"{settings.SeedAddress(s)}\""));
        var network = ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.hostname = "{settings.Hostname}"
            akka.remote.dot-netty.tcp.port = {settings.Port}
            akka.cluster.roles = ["ssi-node", "{settings.Number.Role}"]
            akka.cluster.seed-nodes = [{seeds}]
            """);
        var system = ActorSystem.Create(settings.SystemName, settings.Tls.SystemSetup(network.WithFallback(config), TlsRole.Member));
        var startedAt = DateTimeOffset.UtcNow;

        var monitor = system.ActorOf(NodeMonitor.Props(settings.Number), NodeMonitor.Name);
        var gateway = system.ActorOf(ClientGateway.Props(secret, settings.Number, monitor, startedAt), ClientGateway.Name);
        ClusterClientReceptionist.Get(system).RegisterService(gateway);
        return new NodeHost(system, settings, monitor);
    }

    /// <summary>Leaves the cluster in order (hand-off, leave, exit) and stops the actor system.</summary>
    public Task LeaveAsync() => CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
}
