// What the launcher records about a local cluster under $SSI_HOME/run: the address of each node it has started.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Ssi.Actors.Configuration;

namespace Ssi.Host.Launcher;

public sealed record ClusterRunFile(string SystemName, string Protocol, string Hostname, SortedDictionary<int, int> Ports, IReadOnlyList<string> ExtraConfigs)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The port of each node's client gateway (a separate actor system of the node).</summary>
    public SortedDictionary<int, int> ClientPorts { get; init; } = new();

    public string Address(int node) => $"{Protocol}://{SystemName}@{Hostname}:{Ports[node]}";
    public string HostPort(int node) => $"{Hostname}:{Ports[node]}";
    public string GatewayAddress(int node) => Ssi.Host.Node.ClientFront.Address(Protocol, SystemName, Hostname, ClientPorts[node]);

    public static ClusterRunFile? Read(SsiHome home) =>
        File.Exists(home.ClusterFile) ? JsonSerializer.Deserialize<ClusterRunFile>(File.ReadAllText(home.ClusterFile)) is { } run
            ? run with { ClientPorts = run.ClientPorts ?? new() } : null : null;

    public void Write(SsiHome home)
    {
        var temp = home.ClusterFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, home.ClusterFile, overwrite: true);
    }

    /// <summary>A port nobody listens on now; the node binds it a moment later.</summary>
    public static int FreePort(string hostname, ISet<int> taken)
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Parse(hostname), 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (taken.Add(port)) return port;
        }
    }

    public static bool PortIsFree(string hostname, int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Parse(hostname), port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
