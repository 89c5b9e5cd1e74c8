// Typed view of a node's keys: ssi.node and ssi.security, with ssi.cluster and ssi.gateway; nothing else reads them.
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Identity;
using Ssi.Actors.Security;

namespace Ssi.Host.Node;

public sealed record NodeSettings(
    string SystemName,
    NodeNumber Number,
    string Hostname,
    int Port,
    /// <summary>Port of the node's client gateway (its own actor system); 0 lets the OS pick one.</summary>
    int ClientPort,
    /// <summary>Seeds as "host:port"; empty when the node waits for an explicit join.</summary>
    IReadOnlyList<string> SeedNodes,
    string SecretFile,
    TlsSettings Tls,
    /// <summary>How long a node whose start its transport cut short waits for its actor system to finish stopping.</summary>
    TimeSpan StartAbortWait,
    /// <summary>How long one probe handshake may take, and how long it waits for the peer to refuse us after it.</summary>
    TimeSpan ProbeTimeout,
    TimeSpan ProbeRefusalWait,
    GatewaySettings Gateway,
    /// <summary>Akka.Remote's transport adapters over TLS (akka.remote.dot-netty.tcp.applied-adapters): none in use;
    /// the multi-node specs apply the throttler to cut links between nodes.</summary>
    IReadOnlyList<string> TransportAdapters)
{
    public static NodeSettings Create(Config config, SsiHome home)
    {
        var number = config.GetInt("ssi.node.number");
        if (number < 1) throw new ConfigurationException("ssi.node.number must be a positive node number (use --node N)");
        var node = new NodeNumber(number);
        var cluster = ClusterSettings.Create(config);
        var port = config.GetInt("ssi.node.port");
        if (port < 0) port = cluster.BasePort + number;
        if (port > 65535) throw new ConfigurationException($"port {port} of node {number} is out of range");
        var clientPort = config.GetInt("ssi.node.client-port");
        if (clientPort < 0) clientPort = cluster.ClientBasePort + number;
        if (clientPort > 65535) throw new ConfigurationException($"client port {clientPort} of node {number} is out of range");
        var seeds = !cluster.AutoJoin ? []
            : cluster.SeedNodes is { Count: > 0 } list ? list
            : [$"{cluster.Hostname}:{cluster.BasePort + 1}"];
        var secretFile = config.GetString("ssi.security.secret-file");
        return new NodeSettings(
            cluster.SystemName,
            node,
            cluster.Hostname,
            port,
            clientPort,
            seeds,
            string.IsNullOrEmpty(secretFile) ? home.SecretFile : secretFile,
            TlsSettings.Create(config, home),
            config.GetTimeSpan("ssi.node.start-abort-wait"),
            config.GetTimeSpan("ssi.security.tls.probe.timeout"),
            config.GetTimeSpan("ssi.security.tls.probe.refusal-wait"),
            GatewaySettings.Create(config),
            config.GetStringList("akka.remote.dot-netty.tcp.applied-adapters").ToList());
    }

    /// <summary>
    /// The scheme of the cluster's addresses: each adapter adds its name in front of the transport's scheme, the last
    /// applied outermost (akka.trttl.ssl.tcp with the throttler).
    /// </summary>
    public string Protocol => Tls.Protocol.Replace("akka.", "akka." + string.Concat(TransportAdapters.Reverse().Select(a => a + ".")));

    /// <summary>"host:port" of a seed, as an Akka address string.</summary>
    public string SeedAddress(string hostPort) => $"{Protocol}://{SystemName}@{hostPort}";
}

/// <summary>The ssi.security.tls keys: whether connections use mutual TLS, and where the certificates are.</summary>
public sealed record TlsSettings(bool Enabled, string Dir)
{
    public static TlsSettings Create(Config config, SsiHome home)
    {
        var dir = config.GetString("ssi.security.tls.dir");
        return new TlsSettings(config.GetBoolean("ssi.security.tls.enabled"), string.IsNullOrEmpty(dir) ? home.TlsDir : dir);
    }

    /// <summary>The scheme of every address: TLS changes it, so seeds and contacts must agree.</summary>
    public string Protocol => Enabled ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>HOCON that switches the transport to TLS; the certificates come through <see cref="ClusterTls.Setup"/>.</summary>
    public Config TransportConfig() => ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.enable-ssl = {(Enabled ? "on" : "off")}");

    /// <summary>The actor system's setup: the HOCON, plus the TLS identity of this party (null when TLS is off).</summary>
    /// <param name="identity">Loads the party's certificates; called only when TLS is on.</param>
    public (ActorSystemSetup Setup, ClusterTls? Tls) SystemSetup(Config config, Func<ClusterTls> identity)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(TransportConfig().WithFallback(config));
        if (!Enabled) return (ActorSystemSetup.Create(bootstrap), null);
        try
        {
            var tls = identity();
            return (ActorSystemSetup.Create(bootstrap, tls.Setup()), tls);
        }
        catch (CryptographicException e)
        {
            throw new SecretUnavailableException($"cannot read the TLS certificates in {Dir}: {e.Message}");
        }
    }
}
