// Typed view of the ssi.cluster, ssi.node and ssi.security keys; nothing else reads them.
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Identity;

namespace Ssi.Host.Node;

public sealed record NodeSettings(
    string SystemName,
    NodeNumber Number,
    string Hostname,
    int Port,
    /// <summary>Seeds as "host:port"; empty when the node waits for an explicit join.</summary>
    IReadOnlyList<string> SeedNodes,
    string SecretFile)
{
    public static NodeSettings Create(Config config, SsiHome home)
    {
        var number = config.GetInt("ssi.node.number", 0);
        if (number < 1) throw new ConfigurationException("ssi.node.number must be a positive node number (use --node N)");
        var node = new NodeNumber(number);
        var basePort = config.GetInt("ssi.cluster.base-port", 7100);
        var port = config.GetInt("ssi.node.port", -1);
        if (port < 0) port = basePort + number;
        if (port > 65535) throw new ConfigurationException($"port {port} of node {number} is out of range");
        var hostname = config.GetString("ssi.cluster.hostname", "127.0.0.1");
        var seeds = !config.GetBoolean("ssi.cluster.auto-join", true) ? []
            : config.GetStringList("ssi.cluster.seed-nodes") is { Count: > 0 } list ? list.ToList()
            : [$"{hostname}:{basePort + 1}"];
        var secretFile = config.GetString("ssi.security.secret-file", "");
        return new NodeSettings(
            config.GetString("ssi.cluster.system-name", "ssi"),
            node,
            hostname,
            port,
            seeds,
            string.IsNullOrEmpty(secretFile) ? home.SecretFile : secretFile);
    }

    /// <summary>"host:port" of a seed, as an Akka address string.</summary>
    public string SeedAddress(string hostPort) => $"akka.tcp://{SystemName}@{hostPort}";
}
