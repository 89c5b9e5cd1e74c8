// In-process multi-node harness: several real ActorSystems joined over loopback TCP on free ports, torn down cleanly.
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using Ssi.Actors.Configuration;
using Ssi.Actors.Security;
using Ssi.Cfs.Service;
using Ssi.Cfs.Storage;
using Ssi.Host.Node;
using Ssi.Host.Client;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Harness;

public sealed class ClusterHarness : IAsyncDisposable
{
    private readonly TempHome _home = new();
    private readonly Dictionary<int, NodeHost> _nodes = new();
    private readonly List<ClusterConnection> _clients = new();
    private readonly List<NodeHost> _started = new();
    private readonly Config _extra;

    private ClusterHarness(Config extra)
    {
        _extra = extra;
        Secret = _home.CreateSecret();
        ClusterTls.CreateIfMissing(_home.Home.TlsDir, "ssi", Secret);
        Tls = new TlsSettings(Enabled: true, _home.Home.TlsDir);
        RootCredential = Issue("root", 0, 0);
    }

    public TlsSettings Tls { get; }

    /// <summary>The operator's credential, as `ssi start` issues it.</summary>
    public CredentialFile RootCredential { get; }

    /// <summary>A credential for a user, as `ssi user add` issues it.</summary>
    public CredentialFile Issue(string user, int uid, int gid, params int[] groups) =>
        CredentialFile.Issue(Secret, Tls, user, uid, gid, groups, []);

    public SsiHome Home => _home.Home;

    public ClusterSecret Secret { get; }
    public IReadOnlyDictionary<int, NodeHost> Nodes => _nodes;
    public NodeHost this[int node] => _nodes[node];

    /// <summary>Starts nodes 1..count (node 1 is the seed) and waits until every node sees every other one Up.</summary>
    /// <param name="prepareRoot">Fills the shared store before any node starts (the root image a test needs).</param>
    public static async Task<ClusterHarness> StartAsync(int count, Config? extra = null, TimeSpan? timeout = null, Action<IInodeStore>? prepareRoot = null)
    {
        var harness = new ClusterHarness(extra ?? Config.Empty);
        try
        {
            if (prepareRoot is not null)
            {
                var config = NodeHost.ComposeConfig(harness._extra, []);
                using var store = CfsSettings.Create(config, harness._home.Home).OpenStore();
                prepareRoot(store);
            }
            for (var n = 1; n <= count; n++) harness.StartNode(n);
            await harness.AwaitAsync(() => harness.AllUp(Enumerable.Range(1, count)), timeout ?? TimeSpan.FromSeconds(30), "cluster formation");
            await harness.AwaitOwnShardsAsync(Enumerable.Range(1, count), timeout ?? TimeSpan.FromSeconds(30));
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts node n; it joins through node 1 if node 1 runs, else through any running node.</summary>
    /// <param name="tlsDir">Certificates to use instead of the cluster's (a stranger's, in tests of refusal).</param>
    /// <param name="secretFile">The secret that unlocks them, when they are not the cluster's.</param>
    /// <param name="port">The node's port (0: one the OS picks).</param>
    /// <param name="seeds">Seeds ("host:port") to join by, as a deployment lists them, instead of a running node.</param>
    public NodeHost StartNode(int n, string? tlsDir = null, string? secretFile = null, int port = 0, IReadOnlyList<string>? seeds = null)
    {
        var seed = _nodes.TryGetValue(1, out var first) ? first : _nodes.Values.FirstOrDefault();
        var seedAddress = seed is null ? null : seed.Cluster.SelfAddress;
        var seedList = seeds ?? (seedAddress is null ? [] : [$"{seedAddress.Host}:{seedAddress.Port}"]);
        // Port 0: the OS picks a free port, so parallel test runs never collide.
        var overrides = ConfigurationFactory.ParseString($"""
            ssi.node.number = {n}
            ssi.node.port = {port}
            ssi.node.client-port = 0
            ssi.cluster.auto-join = {(seedList.Count == 0 ? "off" : "on")}
            ssi.cluster.seed-nodes = [{string.Join(", ", seedList.Select(s => $"\"{s}\""))}]
            ssi.security.secret-file = "{secretFile ?? _home.Home.SecretFile}"
            ssi.security.tls.dir = "{tlsDir ?? _home.Home.TlsDir}"
            akka.loglevel = {Environment.GetEnvironmentVariable("SSI_TEST_LOGLEVEL") ?? "WARNING"}
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            """);
        var config = NodeHost.ComposeConfig(overrides.WithFallback(_extra), []);
        var host = NodeHost.Start(config, _home.Home);
        if (seedList.Count == 0) host.Cluster.Join(host.Cluster.SelfAddress); // the first node forms the cluster
        _started.Add(host);
        if (tlsDir is null) _nodes.TryAdd(n, host); // a duplicate number is started but not registered
        return host;
    }

    /// <summary>
    /// A loopback port free now, below the ephemeral range, so that no outgoing connection takes it before a node
    /// binds it; ports handed out earlier by this process are skipped.
    /// </summary>
    public static int FreePortBelowEphemeral()
    {
        var lowest = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
        lock (HandedOut)
            for (var port = lowest - 1; port > 1024; port--)
            {
                if (HandedOut.Contains(port)) continue;
                try
                {
                    var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                    probe.Start();
                    probe.Stop();
                    HandedOut.Add(port);
                    return port;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // taken: try the next one down
                }
            }
        throw new InvalidOperationException("no free port below the ephemeral range");
    }

    private static readonly HashSet<int> HandedOut = new();

    /// <summary>Crashes node n: its actor system stops without leaving, as a killed process would look to the others.</summary>
    public async Task CrashAsync(int n)
    {
        var host = _nodes[n];
        _nodes.Remove(n);
        await host.System.Terminate();
    }

    /// <summary>A CLI connection (its own actor system) whose contacts are the client gateways of the given nodes.</summary>
    public ClusterConnection Connect(IEnumerable<int> contacts, CredentialFile? credential = null, Config? overrides = null, TlsSettings? tls = null)
    {
        var addresses = contacts.Select(n => _nodes[n].ClientAddress).ToList();
        var connection = ClusterConnection.Open(addresses, credential ?? RootCredential, tls ?? Tls, overrides: overrides);
        _clients.Add(connection);
        return connection;
    }

    /// <summary>
    /// Waits until each node hosts its own process shards. Until then an offer to move a process there is refused
    /// (EAGAIN), because a shard placed elsewhere is moved home later and stops what it holds.
    /// </summary>
    public Task AwaitOwnShardsAsync(IEnumerable<int> nodes, TimeSpan timeout) =>
        AwaitAsync(async () =>
        {
            foreach (var n in nodes)
            {
                var shardsPerNode = _nodes[n].System.Settings.Config.GetInt("ssi.vproc.shards-per-node");
                var region = ClusterSharding.Get(_nodes[n].System).ShardRegion(ProcessEntity.TypeName);
                var hosted = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, timeout);
                if (!Enumerable.Range(0, shardsPerNode).All(k => hosted.Shards.Any(s => s.ShardId == $"{n}-{k}"))) return false;
            }
            return true;
        }, timeout, "every node hosting its own process shards");

    /// <summary>
    /// Config that applies Akka.Remote's throttler transport adapter (the multi-node TestKit's mechanism), so that
    /// <see cref="PartitionAsync"/> can cut links between nodes deterministically.
    /// </summary>
    public static Config Partitionable { get; } = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.applied-adapters = [trttl]");

    /// <summary>Cuts every link between the two sides, both ways at both ends, as a network partition would.</summary>
    public Task PartitionAsync(IEnumerable<int> side, IEnumerable<int> otherSide) => SetLinksAsync(side, otherSide, Blackhole.Instance);

    /// <summary>Mends the links that <see cref="PartitionAsync"/> cut, between nodes that still run.</summary>
    public Task HealAsync(IEnumerable<int> side, IEnumerable<int> otherSide) => SetLinksAsync(side, otherSide, Unthrottled.Instance);

    private async Task SetLinksAsync(IEnumerable<int> side, IEnumerable<int> otherSide, ThrottleMode mode)
    {
        var others = otherSide.ToList();
        foreach (var a in side)
        foreach (var b in others)
        {
            await ThrottleAsync(a, b, mode);
            await ThrottleAsync(b, a, mode);
        }
    }

    private async Task ThrottleAsync(int from, int to, ThrottleMode mode)
    {
        var node = _nodes[from];
        if (node.System.WhenTerminated.IsCompleted) return;
        var transport = ((RemoteActorRefProvider)((ExtendedActorSystem)node.System).Provider).Transport;
        if (!await transport.ManagementCommand(new SetThrottle(_nodes[to].Cluster.SelfAddress, ThrottleTransportAdapter.Direction.Both, mode)))
            throw new InvalidOperationException($"node {from} did not throttle its link to node {to}: start the cluster with ClusterHarness.Partitionable");
    }

    /// <summary>Asks the file system service (/user/fs) of a node, as a client's gateway would.</summary>
    public Task<object> AskFileSystemAsync(int node, object request, TimeSpan timeout) =>
        _nodes[node].System.ActorSelection("/user/" + FileSystemService.Name).Ask<object>(request, timeout);

    public bool AllUp(IEnumerable<int> nodes) =>
        _nodes.Values.All(h => nodes.All(n => h.Cluster.State.Members.Any(m =>
            m.Status == MemberStatus.Up && m.HasRole("node-" + n) && !h.Cluster.State.Unreachable.Contains(m))));

    public Task AwaitAsync(Func<bool> condition, TimeSpan timeout, string what) => AwaitAsync(condition, timeout, () => what);

    /// <summary>The same for a condition that must ask the cluster (each attempt awaited before the next).</summary>
    public async Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {timeout}");
            await Task.Delay(50);
        }
    }

    /// <summary>The same, with the description made when it times out (to say what was seen instead).</summary>
    public async Task AwaitAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what()} did not happen within {timeout}");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
        await Task.WhenAll(_started.Select(n => n.System.Terminate()));
        _nodes.Clear();
        _home.Dispose();
    }
}
