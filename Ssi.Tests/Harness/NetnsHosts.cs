// Hosts for end-to-end tests: one network namespace each, joined by veth pairs to a bridge in this namespace (so the
// CLI here reaches every host), and partitions made by blackhole routes inside the hosts. Needs root and iproute2.
using System.Diagnostics;
using System.Security.Cryptography;

namespace Ssi.Tests.Harness;

public sealed class NetnsHosts : IDisposable
{
    private readonly string _tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
    private readonly int _subnet;
    private readonly int _count;

    /// <summary>Makes <paramref name="count"/> hosts on a /24 of 10.231.0.0/16 that no interface here uses yet.</summary>
    public NetnsHosts(int count)
    {
        _count = count;
        var used = Ip("-o", "-4", "addr", "show");
        _subnet = Enumerable.Range(1, 250).Select(_ => RandomNumberGenerator.GetInt32(1, 255))
            .First(s => !used.Contains($"10.231.{s}.", StringComparison.Ordinal));
        try
        {
            Ip("link", "add", Bridge, "type", "bridge");
            Ip("addr", "add", $"{Gateway}/24", "dev", Bridge);
            Ip("link", "set", Bridge, "up");
            for (var n = 1; n <= count; n++)
            {
                Ip("netns", "add", Namespace(n));
                Ip("link", "add", $"ssiv{_tag}{n}", "type", "veth", "peer", "name", "eth0", "netns", Namespace(n));
                Ip("link", "set", $"ssiv{_tag}{n}", "master", Bridge, "up");
                Ip("-n", Namespace(n), "addr", "add", $"{Address(n)}/24", "dev", "eth0");
                Ip("-n", Namespace(n), "link", "set", "eth0", "up");
                Ip("-n", Namespace(n), "link", "set", "lo", "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private string Bridge => $"ssib{_tag}";

    /// <summary>This namespace's address on the hosts' network.</summary>
    public string Gateway => $"10.231.{_subnet}.1";

    public string Namespace(int host) => $"ssi-{_tag}-{host}";

    public string Address(int host) => $"10.231.{_subnet}.{10 + host}";

    /// <summary>Drops every packet between the two sides, both ways, as a partition of the network would.</summary>
    public void Cut(IEnumerable<int> side, IEnumerable<int> otherSide) => Routes("add", side, otherSide);

    /// <summary>Mends what <see cref="Cut"/> did.</summary>
    public void Mend(IEnumerable<int> side, IEnumerable<int> otherSide) => Routes("del", side, otherSide);

    private void Routes(string verb, IEnumerable<int> side, IEnumerable<int> otherSide)
    {
        var others = otherSide.ToList();
        foreach (var a in side)
        foreach (var b in others)
        {
            Ip("-n", Namespace(a), "route", verb, "blackhole", $"{Address(b)}/32");
            Ip("-n", Namespace(b), "route", verb, "blackhole", $"{Address(a)}/32");
        }
    }

    /// <summary>
    /// Makes a service of this namespace that listens on loopback only (the PostgreSQL server of the tests) reachable
    /// from the hosts: a relay on <see cref="Gateway"/> that copies each connection's bytes both ways. Returns its port.
    /// </summary>
    public int Relay(string targetHost, int targetPort)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(Gateway), 0);
        listener.Start();
        _relays.Add(listener);
        _ = Task.Run(async () =>
        {
            while (!_stopping.IsCancellationRequested)
            {
                System.Net.Sockets.TcpClient inbound;
                try
                {
                    inbound = await listener.AcceptTcpClientAsync(_stopping.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using var client = inbound;
                    using var server = new System.Net.Sockets.TcpClient();
                    try
                    {
                        await server.ConnectAsync(targetHost, targetPort, _stopping.Token);
                        var up = client.GetStream().CopyToAsync(server.GetStream(), _stopping.Token);
                        var down = server.GetStream().CopyToAsync(client.GetStream(), _stopping.Token);
                        await Task.WhenAny(up, down); // either side closing ends the connection
                    }
                    catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
                    {
                        // a connection cut by the end of the test or by the peer: nothing to relay any more
                    }
                });
            }
        });
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private readonly List<System.Net.Sockets.TcpListener> _relays = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>`ip netns exec NAMESPACE`, then the command: what runs a program on a host.</summary>
    public string[] Exec(int host, params string[] command) => ["ip", "netns", "exec", Namespace(host), .. command];

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var relay in _relays) relay.Stop();
        for (var n = 1; n <= _count; n++) TryIp("netns", "del", Namespace(n)); // takes the veth pairs with it
        TryIp("link", "del", Bridge);
    }

    private static string Ip(params string[] args)
    {
        var (exit, output) = RunIp(args);
        if (exit != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({exit}): {output} (the hosts need root and iproute2)");
        return output;
    }

    private static void TryIp(params string[] args) => RunIp(args);

    private static (int Exit, string Output) RunIp(string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
