// A bare actor system of an attacker's, with a TLS identity of its choosing: not a member, not our CLI.
using Akka.Actor;
using Akka.Configuration;
using Ssi.Actors.Security;
using Ssi.Host.Node;

namespace Ssi.Tests.Harness;

public sealed class AttackerSystem : IAsyncDisposable
{
    private AttackerSystem(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    /// <param name="identity">The certificates it presents and trusts.</param>
    /// <param name="stockDeployment">Send remote deployments with Akka's own serializer, as a stock peer would.</param>
    public static AttackerSystem Start(ClusterTls identity, bool stockDeployment = false)
    {
        var config = ConfigurationFactory.ParseString($"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.remote.dot-netty.tcp.enable-ssl = on
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            {(stockDeployment ? "akka.actor.serializers.daemon-create = \"Akka.Remote.Serialization.DaemonMsgCreateSerializer, Akka.Remote\"" : "")}
            """).WithFallback(NodeHost.Defaults);
        var setup = Akka.Actor.Setup.ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), identity.Setup());
        return new AttackerSystem(ActorSystem.Create("attacker", setup));
    }

    /// <summary>A reference to a remote path made without asking anyone (no selection, no Identify).</summary>
    public IActorRef Resolve(string path) => ((ExtendedActorSystem)System).Provider.ResolveActorRef(path);

    public async ValueTask DisposeAsync() => await System.Terminate();
}
