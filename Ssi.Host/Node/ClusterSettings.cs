// Typed view of the ssi.cluster keys (what every node, the launcher and the CLI agree on); nothing else reads them.
using Akka.Configuration;

namespace Ssi.Host.Node;

/// <param name="SystemName">Name of the member actor system; every node and client of one cluster must agree on it.</param>
/// <param name="Hostname">Host name or IP that nodes bind to and advertise (and clients listen on).</param>
/// <param name="BasePort">Node N listens on this + N unless its own port is set.</param>
/// <param name="ClientBasePort">Node N's client gateway listens on this + N unless its own client port is set.</param>
/// <param name="SeedNodes">Contact points for joining, as "host:port"; empty means node 1 at base-port + 1.</param>
/// <param name="AutoJoin">False: a node waits for an explicit Cluster.Join (embedding and tests).</param>
public sealed record ClusterSettings(string SystemName, string Hostname, int BasePort, int ClientBasePort, IReadOnlyList<string> SeedNodes, bool AutoJoin)
{
    public static ClusterSettings Create(Config config)
    {
        var c = config.GetConfig("ssi.cluster") ?? throw new ConfigurationException("ssi.cluster is missing (reference.conf not loaded?)");
        return new ClusterSettings(
            c.GetString("system-name"),
            c.GetString("hostname"),
            c.GetInt("base-port"),
            c.GetInt("client-base-port"),
            c.GetStringList("seed-nodes").ToList(),
            c.GetBoolean("auto-join"));
    }
}
