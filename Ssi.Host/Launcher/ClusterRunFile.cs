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
    /// <summary>
    /// A port for a node to listen on, free now, from below the OS's ephemeral range: a port that bind(0) hands out
    /// comes from that range, from which every outgoing connection also takes its local port, so in the seconds before
    /// the node binds it a connection of another cluster (or of the tests) may take it and the node fails to start.
    /// </summary>
    public static int FreePort(string hostname, ISet<int> taken)
    {
        var ceiling = Math.Max(LowestPortToPick + 1000, EphemeralFloor());
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(LowestPortToPick, ceiling);
            if (!taken.Contains(port) && PortIsFree(hostname, port))
            {
                taken.Add(port);
                return port;
            }
        }
        while (true)
        {
            // Below the ephemeral range everything is taken: any free port will do.
            var listener = new TcpListener(IPAddress.Parse(hostname), 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (taken.Add(port)) return port;
        }
    }

    /// <summary>Above the well-known and most registered service ports.</summary>
    private const int LowestPortToPick = 10_000;

    /// <summary>The first port of the OS's ephemeral range (Linux: net.ipv4.ip_local_port_range; 32768 if unknown).</summary>
    private static int EphemeralFloor()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var low) ? low : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return 32768;
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
