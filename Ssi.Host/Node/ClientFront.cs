// A node's client-facing actor system: its own port, client certificates only, and nothing on it but the gateway.
using Akka.Actor;
using Akka.Configuration;
using Ssi.Actors.Security;

namespace Ssi.Host.Node;

/// <summary>
/// Clients never connect to a node's member actor system: its transport accepts member certificates only. Each node
/// runs a second, small actor system for them, on <see cref="NodeSettings.ClientPort"/>, whose transport accepts client
/// certificates only and runs in Akka's untrusted mode: no system messages (watch, terminate), no remote deployment, and
/// actor selections only to the gateway's path. Its only actors are the <see cref="ClientGateway"/> and the terminal
/// relays under it, so a client that names any other path reaches nothing. The gateway hands checked requests to the
/// member system in-process.
/// </summary>
public static class ClientFront
{
    /// <summary>The front's actor system name: clients address <c>akka.ssl.tcp://NAME-gateway@host:client-port/user/gateway</c>.</summary>
    public static string SystemName(string clusterSystemName) => clusterSystemName + "-gateway";

    public static (ActorSystem System, ClusterTls? Tls) Start(Config nodeConfig, NodeSettings settings, ClusterSecret secret, IActorRef memberGateway)
    {
        var config = ConfigurationFactory.ParseString($"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "{settings.Hostname}"
            akka.remote.dot-netty.tcp.port = {settings.ClientPort}
            akka.remote.untrusted-mode = on
            akka.remote.trusted-selection-paths = ["{ClientGateway.Path}"]
            akka.remote.dot-netty.tcp.applied-adapters = []
            """).WithFallback(nodeConfig);
        var (setup, tls) = settings.Tls.SystemSetup(config, () => ClusterTls.ForGateway(settings.Tls.Dir, secret));
        var system = ActorSystem.Create(SystemName(settings.SystemName), setup);
        system.ActorOf(ClientGateway.Props(secret, memberGateway, settings.Gateway.ReplyTimeout), ClientGateway.Name);
        return (system, tls);
    }

    /// <summary>The address clients use for a gateway at host:port.</summary>
    public static string Address(string protocol, string clusterSystemName, string host, int port) =>
        $"{protocol}://{SystemName(clusterSystemName)}@{host}:{port}";
}
