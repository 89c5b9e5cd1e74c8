// Builds and runs one node: its actor system, cluster membership, node monitor and client gateway.
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.DistributedData;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Event;
using Ssi.Actors.Configuration;
using Ssi.Actors.Membership;
using Ssi.Actors.Security;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Service;
using Ssi.Vproc.Pids;
using Ssi.Vproc.Leveling;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Host.Node;

public sealed class NodeHost
{
    private NodeHost(ActorSystem system, NodeSettings settings, IActorRef monitor, ClusterTls? tls, HandshakeFailureWatch handshakes)
    {
        System = system;
        Settings = settings;
        Monitor = monitor;
        _tls = tls;
        _handshakes = handshakes;
    }

    private readonly ClusterTls? _tls;
    private readonly HandshakeFailureWatch _handshakes;
    private volatile ActorSystem? _front;

    /// <summary>The node's client-facing actor system (<see cref="ClientFront"/>); null until it has started.</summary>
    public ActorSystem? Front => _front;

    /// <summary>The address clients contact this node at (its client gateway's actor system).</summary>
    public string ClientAddress => _front is { } front
        ? ((ExtendedActorSystem)front).Provider.DefaultAddress.ToString()
        : throw new InvalidOperationException("the node's client gateway has not started");

    /// <summary>
    /// True once the node has stopped because an outbound TLS handshake failed although neither side refused a
    /// certificate (its own validator refused nobody, and the peer sent no TLS alert): a peer died mid-handshake.
    /// Akka.Remote 1.5.73 stops the whole actor system then; the node restarts.
    /// </summary>
    public bool StoppedByTransientHandshakeFailure =>
        System.WhenTerminated.IsCompleted && _tls is { LastRefusal: null } && !_handshakes.PeerRefused
        && ClusterTls.StoppedByHandshakeFailure(System);

    /// <summary>
    /// Why the node stopped, if a TLS handshake was refused (by its own validator or by the peer's) and that stopped it;
    /// null otherwise.
    /// </summary>
    public string? HandshakeRefusal =>
        System.WhenTerminated.IsCompleted && ClusterTls.StoppedByHandshakeFailure(System) && !StoppedByTransientHandshakeFailure
            ? _tls?.LastRefusal ?? "the peer refused this node's certificate (" + _handshakes.LastFailure?.Message + ")"
            : null;

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
        return config.WithFallback(Defaults);
    }

    /// <summary>Every embedded default a node or a client needs: ours, and those of the Akka modules a node runs.</summary>
    public static Config Defaults { get; } = SsiConfig.FromAssembly(typeof(NodeHost).Assembly)
        .WithFallback(SsiConfig.FromAssembly(typeof(FileSystemService).Assembly))
        .WithFallback(SsiConfig.FromAssembly(typeof(ProcessEntity).Assembly))
        .WithFallback(SsiConfig.Reference)
        .WithFallback(ClusterSharding.DefaultConfig())
        .WithFallback(DistributedData.DefaultConfig())
        .WithFallback(DistributedPubSub.DefaultConfig());

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
        var (setup, tls) = settings.Tls.SystemSetup(VprocRegions.WithProgramThreads(network.WithFallback(config)),
            () => ClusterTls.ForMember(settings.Tls.Dir, secret));
        var system = ActorSystem.Create(settings.SystemName, setup);
        var handshakes = HandshakeFailureWatch.Attach(system);
        var startedAt = DateTimeOffset.UtcNow;

        var monitor = system.ActorOf(NodeMonitor.Props(settings.Number), NodeMonitor.Name);
        var host = new NodeHost(system, settings, monitor, tls, handshakes);
        try
        {
            var cfs = CfsSettings.Create(config, home);
            var store = cfs.OpenStore();
            system.WhenTerminated.ContinueWith(_ => store.Dispose(), TaskScheduler.Default);
            var operations = new FileSystemOperations(store);
            var regions = CfsRegions.Start(system, operations, store, cfs.Shards);
            var fs = system.ActorOf(FileSystemService.Props(operations, regions), FileSystemService.Name);
            var processes = StartProcesses(system, config, home, settings, fs);
            var gateway = system.ActorOf(MemberGateway.Props(settings.Number, monitor, fs, processes, startedAt), MemberGateway.Name);
            host.StartFront(config, secret, gateway);
            Cluster.Get(system).RegisterOnMemberUp(host.RefuseDuplicateNumber);
        }
        catch (InvalidOperationException) when (system.WhenTerminated.Wait(TimeSpan.FromSeconds(10)))
        {
            // The transport stopped the system while the node was starting (a peer refused its certificate at the
            // first handshake): the caller sees a terminated system, as it would a moment later.
        }
        return host;
    }

    /// <summary>
    /// Starts the client gateway's actor system, and starts it again if its transport stops it while the node runs
    /// (Akka.Remote stops a whole system when one outbound handshake fails); it stops with the node.
    /// </summary>
    private void StartFront(Config config, ClusterSecret secret, IActorRef gateway)
    {
        var (front, _) = ClientFront.Start(config, Settings, secret, gateway);
        _front = front;
        System.WhenTerminated.ContinueWith(_ => front.Terminate(), TaskScheduler.Default);
        front.WhenTerminated.ContinueWith(_ =>
        {
            if (System.WhenTerminated.IsCompleted) return;
            System.Log.Warning("the client gateway's actor system stopped ({0}); starting it again",
                CoordinatedShutdown.Get(front).ShutdownReason?.ToString() ?? "no reason given");
            try
            {
                StartFront(config, secret, gateway);
            }
            catch (Exception e)
            {
                System.Log.Error(e, "the client gateway could not start again; clients must use another node");
            }
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// The process layer of a node: its index of local processes, its PID allocator (reservations kept in the run
    /// directory, so a restarted node never reuses a PID of its previous life), its process service and the region.
    /// </summary>
    private static IActorRef StartProcesses(ActorSystem system, Config config, SsiHome home, NodeSettings settings, IActorRef fs)
    {
        var vproc = VprocSettings.Create(config);
        var held = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        Directory.CreateDirectory(home.RunDir);
        var pids = new PidAllocator(settings.Number.Value, Path.Combine(home.RunDir, $"node-{settings.Number.Value}.pids"), pid => held.ContainsKey(pid.Value));
        var index = system.ActorOf(LocalProcesses.Props(held, vproc.CallTimeout), LocalProcesses.Name);
        var service = system.ActorOf(ProcessService.Props(settings.Number.Value, pids, index, vproc.CallTimeout), ProcessService.Name);
        var node = new VprocNode(settings.Number.Value, fs, index, service, Builtins.Catalog(), vproc);
        VprocRegions.Start(system, node, vproc.ShardsPerNode);
        system.ActorOf(LoadLeveler.Props(settings.Number.Value, index, vproc.LoadLeveling, vproc.CallTimeout), LoadLeveler.Name);
        return service;
    }

    /// <summary>Why the node stopped itself, if it did (a node number already in use).</summary>
    public string? Refusal { get; private set; }

    /// <summary>
    /// Node numbers are unique: a node that finds an older live member with its number leaves at once, so the
    /// cluster keeps the node it already had. The older of the two always wins, so exactly one of them stays.
    /// </summary>
    private void RefuseDuplicateNumber()
    {
        var self = Cluster.SelfMember;
        var holder = Cluster.State.Members.FirstOrDefault(m =>
            !m.UniqueAddress.Equals(self.UniqueAddress) && m.HasRole(Settings.Number.Role) && m.IsOlderThan(self)
            && m.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up or MemberStatus.Leaving);
        if (holder is null) return;
        Refusal = $"node number {Settings.Number} is already in use by {holder.Address}";
        System.Log.Error("{0}; this node leaves", Refusal);
        LeaveAsync();
    }

    /// <summary>Leaves the cluster in order (hand-off, leave, exit) and stops the actor system.</summary>
    public Task LeaveAsync() => CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
}
