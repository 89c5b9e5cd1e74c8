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
using Ssi.Actors.Sharding;
using Ssi.Cfs.Leases;
using Ssi.Cfs.Namespace;
using Ssi.Cfs.Service;
using Ssi.Host.Bench;
using Ssi.Actors.Identity;
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
    /// Why the node stopped, if a failed outbound TLS handshake stopped it (Akka.Remote 1.5.73 stops the whole actor
    /// system then); null otherwise. Transient means the peer died mid-handshake, and the node may restart; otherwise
    /// a certificate was refused, by this node's validator or by the peer, and restarting would only be refused again.
    /// When neither side's evidence says (a peer may close without a TLS alert), one more handshake with the peer
    /// decides (<see cref="HandshakeProbe"/>).
    /// </summary>
    public async Task<HandshakeStop?> HandshakeStopAsync()
    {
        if (!System.WhenTerminated.IsCompleted || !ClusterTls.StoppedByHandshakeFailure(System) || _tls is null) return null;
        if (_tls.LastRefusal is { } ours) return new HandshakeStop(false, "this node refused the peer: " + ours);
        if (_handshakes.PeerRefused) return new HandshakeStop(false, "the peer refused this node's certificate (" + _handshakes.LastFailure?.Message + ")");
        var reason = CoordinatedShutdown.Get(System).ShutdownReason?.ToString() ?? "";
        if (PeerOf(reason) is not var (host, port)) return new HandshakeStop(true, reason);
        return await HandshakeProbe.TryAsync(_tls, host, port, Settings.ProbeTimeout, Settings.ProbeRefusalWait) switch
        {
            HandshakeProbe.Verdict.Refused => new HandshakeStop(false, $"the TLS handshake with {host}:{port} is refused (a second try was refused too)"),
            _ => new HandshakeStop(true, reason),
        };
    }

    // Akka.Remote's reason names the peer as "... connection to [HOST:PORT]" (an IPv6 host in brackets of its own).
    private static (string Host, int Port)? PeerOf(string reason)
    {
        var open = reason.IndexOf('[');
        var close = reason.LastIndexOf(']');
        if (open < 0 || close <= open) return null;
        var endpoint = reason[(open + 1)..close];
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], out var port)) return null;
        var host = endpoint[..colon].Trim('[', ']');
        if (host.StartsWith("::ffff:", StringComparison.Ordinal)) host = host["::ffff:".Length..];
        return (host, port);
    }

    /// <summary>The exception of the node's last failed outbound TLS handshake, for diagnostics.</summary>
    public Exception? LastHandshakeFailure => _handshakes.LastFailure;

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
        // A node whose own address is its first seed would join itself when no other seed answers; ClusterFounding
        // decides instead, from the store's live members, so Akka is given no seeds to start from.
        var founds = settings.SeedNodes.Count > 0 && settings.SeedNodes[0] == $"{settings.Hostname}:{settings.Port}";
        var seeds = founds ? "" : string.Join(", ", settings.SeedNodes.Select(s => $"\"{settings.SeedAddress(s)}\""));
        // The downing lease (ssi.cfs.lease) is made while the actor system starts, from its config alone: it gets the
        // store's file as resolved against this node's $SSI_HOME.
        var cfs = CfsSettings.Create(config, home);
        var network = ConfigurationFactory.ParseString($"""
            ssi.cfs.store.sqlite.path = "{cfs.SqlitePath.Replace("\\", "\\\\").Replace("\"", "\\\"")}"
            akka.remote.dot-netty.tcp.hostname = "{settings.Hostname}"
            akka.remote.dot-netty.tcp.port = {settings.Port}
            akka.cluster.roles = ["ssi-node", "{settings.Number.Role}"]
            akka.cluster.seed-nodes = [{seeds}]
            """);
        var (setup, tls) = settings.Tls.SystemSetup(VprocRegions.WithProgramThreads(network.WithFallback(config)),
            () => ClusterTls.ForMember(settings.Tls.Dir, secret));
        var system = ActorSystem.Create(settings.SystemName, setup);
        var handshakes = HandshakeFailureWatch.Attach(system);
        ListenerUnbind.Register(system);
        var startedAt = DateTimeOffset.UtcNow;

        var monitor = system.ActorOf(NodeMonitor.Props(settings.Number), NodeMonitor.Name);
        var host = new NodeHost(system, settings, monitor, tls, handshakes);
        try
        {
            var store = cfs.OpenStore();
            system.WhenTerminated.ContinueWith(_ => store.Dispose(), TaskScheduler.Default);
            var operations = new FileSystemOperations(store);
            var regions = CfsRegions.Start(system, settings.Number, operations, store, cfs.Shards, ShardingSettings.Create(config));
            var fs = system.ActorOf(FileSystemService.Props(operations, regions), FileSystemService.Name);
            var leaseTimeout = config.GetTimeSpan("ssi.cfs.lease.lease-operation-timeout", TimeSpan.FromSeconds(5));
            system.ActorOf(LeaseFences.Props(() => cfs.OpenLeaseTable(leaseTimeout)), LeaseFences.Name);
            FreezeWatch.Start(system, () => cfs.OpenLeaseTable(leaseTimeout));
            var recordEvery = config.GetTimeSpan("ssi.cluster.member-records.interval");
            MemberRecord.Start(system, () => cfs.OpenLeaseTable(leaseTimeout), recordEvery, config.GetTimeSpan("ssi.cluster.member-records.ttl"));
            if (founds)
            {
                var otherSeeds = settings.SeedNodes.Skip(1).Select(s => Address.Parse(settings.SeedAddress(s))).ToList();
                system.ActorOf(ClusterFounding.Props(() => cfs.OpenLeaseTable(leaseTimeout), otherSeeds,
                    config.GetTimeSpan("akka.cluster.seed-node-timeout"), recordEvery), ClusterFounding.Name);
            }
            var vproc = VprocSettings.Create(config);
            var processes = StartProcesses(system, vproc, home, settings, fs);
            var bench = system.ActorOf(BenchService.Props(vproc.CallTimeout, config.GetBoolean("ssi.chaos.fault-injection", false)), BenchService.Name);
            var gateway = system.ActorOf(MemberGateway.Props(settings.Number, monitor, fs, processes, bench, startedAt, settings.Gateway.StatusTimeout),
                MemberGateway.Name);
            host.StartFront(config, secret, gateway);
            Cluster.Get(system).RegisterOnMemberUp(host.RefuseDuplicateNumber);
        }
        catch (Exception e) when (e is InvalidOperationException or AggregateException or AskTimeoutException
                                  && system.WhenTerminated.Wait(settings.StartAbortWait))
        {
            // The transport stopped the system while the node was starting (a peer refused its certificate at the
            // first handshake), and a module's start-up ask went unanswered: the caller sees a terminated system, as
            // it would a moment later.
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
    private static IActorRef StartProcesses(ActorSystem system, VprocSettings vproc, SsiHome home, NodeSettings settings, IActorRef fs)
    {
        var held = new System.Collections.Concurrent.ConcurrentDictionary<Pid, int>();
        Directory.CreateDirectory(home.RunDir);
        var pids = new PidAllocator(settings.Number, Path.Combine(home.RunDir, $"node-{settings.Number.Value}.pids"), held.ContainsKey);
        var index = system.ActorOf(LocalProcesses.Props(held, vproc.CallTimeout), LocalProcesses.Name);
        var catalog = Builtins.Catalog();
        var service = system.ActorOf(ProcessService.Props(settings.Number, pids, index, vproc, fs, catalog), ProcessService.Name);
        var node = new VprocNode(settings.Number, fs, index, service, catalog, vproc);
        VprocRegions.Start(system, node);
        system.ActorOf(LoadLeveler.Props(settings.Number, index, vproc.LoadLeveling, vproc.CallTimeout), LoadLeveler.Name);
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

/// <summary>Why a node's transport stopped it after a failed TLS handshake, and whether trying again may help.</summary>
public sealed record HandshakeStop(bool Transient, string Reason);
