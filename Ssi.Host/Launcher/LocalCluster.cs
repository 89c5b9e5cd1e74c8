// The launcher: boots, extends, crashes and stops a cluster of real node processes on this host (ssi start/add/rm/stop).
using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Actors.Security;
using Ssi.Cfs.RootImage;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Programs.Builtin;
using Ssi.Cfs.Service;
using Ssi.Cfs.Storage;
using Ssi.Host.Client;
using Ssi.Host.Node;

namespace Ssi.Host.Launcher;

public sealed class LocalCluster(SsiHome home, Config config, Action<string> progress)
{
    private readonly LauncherSettings _settings = LauncherSettings.Create(config);
    private readonly ClusterSettings _cluster = ClusterSettings.Create(config);

    public SsiHome Home => home;

    /// <summary>The configuration the cluster runs with (the embedded defaults under its --config files).</summary>
    public Config Config => config;

    /// <summary>The name of the cluster's actor system (ssi.cluster.system-name).</summary>
    public string SystemName => _cluster.SystemName;

    /// <summary>Node numbers whose process is alive, in order.</summary>
    public IReadOnlyList<int> LiveNodes() =>
        Enumerable.Range(1, NodeNumber.LocalMax).Where(n => NodeProcess.LivePid(home, n) is not null).ToList();

    /// <summary>Boots nodes 1..count; refuses if any node of this $SSI_HOME is running.</summary>
    public async Task StartAsync(int count, IReadOnlyList<string> extraConfigs, CancellationToken ct = default)
    {
        CheckRange(count, "node count");
        using var _ = await LauncherLock.AcquireAsync(home, _settings.LockWait, ct);
        var live = LiveNodes();
        if (live.Count > 0)
            throw new LauncherException(Errno.EEXIST,
                $"a cluster is already running in {home.Root} (nodes {string.Join(",", live)}); use 'ssi add' or 'ssi stop'");
        home.EnsureCreated();
        var secret = ClusterSecret.CreateOrLoad(home.SecretFile);
        var tls = TlsSettings.Create(config, home);
        if (tls.Enabled) ClusterTls.CreateIfMissing(tls.Dir, _cluster.SystemName, secret);
        using (var store = OpenStore())
        {
            var created = DefaultRoot.CreateIfEmpty(store);
            if (!created.IsOk) throw new LauncherException(created.Error!.Value, "cannot create the root image: " + created.Detail);
            if (created.Value) progress("created the default root image (/bin, /etc, /home, /tmp, ...)");
            var programs = BinDirectory.Install(store, Builtins.All.Keys);
            if (!programs.IsOk) throw new LauncherException(programs.Error!.Value, "cannot install the programs of /bin: " + programs.Detail);
            var data = BinDirectory.InstallData(store);
            if (!data.IsOk) throw new LauncherException(data.Error!.Value, "cannot install the demo data: " + data.Detail);
            var devices = DefaultRoot.InstallDevices(store);
            if (!devices.IsOk) throw new LauncherException(devices.Error!.Value, "cannot make the devices of /dev: " + devices.Detail);
        }
        var hostname = _cluster.Hostname;
        var taken = new HashSet<int>();
        var ports = new SortedDictionary<int, int>();
        var clientPorts = new SortedDictionary<int, int>();
        for (var n = 1; n <= count; n++)
        {
            ports[n] = ClusterRunFile.FreePort(hostname, taken);
            clientPorts[n] = ClusterRunFile.FreePort(hostname, taken);
        }
        var run = new ClusterRunFile(_cluster.SystemName, tls.Protocol, hostname, ports, extraConfigs.Select(Path.GetFullPath).ToList()) { ClientPorts = clientPorts };
        run.Write(home);
        // The operator's own credential: root, from this machine; `ssi user add` issues the others.
        CredentialFile.Issue(secret, tls, "root", 0, 0, [], run.ClientPorts.Keys.Select(run.GatewayAddress)).Save(CredentialFile.RootFile(home));
        // Node 1 is the first seed; the others join through it, retrying until it is up.
        await LaunchAsync(run, Enumerable.Range(1, count).ToList(), seeds: [1], ct);
    }

    /// <summary>Boots more nodes into the running cluster, skipping those already up.</summary>
    public async Task AddAsync(IReadOnlyList<int> nodes, CancellationToken ct = default)
    {
        foreach (var n in nodes) CheckRange(n, "node");
        using var _ = await LauncherLock.AcquireAsync(home, _settings.LockWait, ct);
        var live = LiveNodes();
        var run = ClusterRunFile.Read(home);
        if (live.Count == 0 || run is null) throw NoCluster();
        var toStart = new List<int>();
        foreach (var n in nodes.Distinct())
        {
            if (live.Contains(n)) progress($"node {n} is already up; skipped");
            else toStart.Add(n);
        }
        if (toStart.Count == 0) return;
        var taken = new HashSet<int>(run.Ports.Values.Concat(run.ClientPorts.Values));
        foreach (var n in toStart)
        {
            if (!run.Ports.TryGetValue(n, out var port) || !ClusterRunFile.PortIsFree(run.Hostname, port))
                run.Ports[n] = ClusterRunFile.FreePort(run.Hostname, taken);
            if (!run.ClientPorts.TryGetValue(n, out var clientPort) || !ClusterRunFile.PortIsFree(run.Hostname, clientPort))
                run.ClientPorts[n] = ClusterRunFile.FreePort(run.Hostname, taken);
        }
        run.Write(home);
        // A returning node joins through the live ones, never through itself, so it cannot form a second cluster.
        await LaunchAsync(run, toStart, seeds: live, ct);
    }

    /// <summary>Kills nodes with SIGKILL and tells nobody: the survivors must notice by themselves.</summary>
    public async Task RemoveAsync(IReadOnlyList<int> nodes, CancellationToken ct = default)
    {
        foreach (var n in nodes) CheckRange(n, "node");
        using var _ = await LauncherLock.AcquireAsync(home, _settings.LockWait, ct);
        var pids = new List<(int Node, int Pid)>();
        foreach (var n in nodes.Distinct())
        {
            if (NodeProcess.LivePid(home, n) is not { } pid) throw new LauncherException(Errno.ESRCH, $"node {n} is not up");
            pids.Add((n, pid));
        }
        foreach (var (n, pid) in pids)
        {
            NodeProcess.Signal(pid, PosixSignalNumber.SIGKILL);
            if (!await NodeProcess.WaitForExitAsync(pid, n, _settings.KillWait))
                throw new LauncherException(Errno.EBUSY, $"node {n} (pid {pid}) survived SIGKILL");
            File.Delete(home.NodePidFile(n));
            progress($"node {n} killed (pid {pid})");
        }
    }

    /// <summary>Shuts every node down in order, highest number first: leave, hand off, exit. Leaves no process behind.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        using var _ = await LauncherLock.AcquireAsync(home, _settings.LockWait, ct);
        var live = LiveNodes();
        if (live.Count == 0) throw NoCluster();
        foreach (var n in live.OrderDescending())
        {
            if (NodeProcess.LivePid(home, n) is not { } pid) continue;
            var clock = Stopwatch.StartNew();
            NodeProcess.Signal(pid, PosixSignalNumber.SIGTERM);
            if (await NodeProcess.WaitForExitAsync(pid, n, _settings.StopTimeout))
            {
                progress($"node {n} left the cluster and stopped ({clock.Elapsed.TotalSeconds:0.0} s)");
            }
            else
            {
                NodeProcess.Signal(pid, PosixSignalNumber.SIGKILL);
                await NodeProcess.WaitForExitAsync(pid, n, _settings.KillWait);
                progress($"node {n} did not leave within {_settings.StopTimeout.TotalSeconds:0} s and was killed; see {home.NodeLogFile(n)}");
            }
            File.Delete(home.NodePidFile(n));
        }
    }

    /// <summary>A client of this cluster, connected the one way every client is (<see cref="ClusterConnector"/>).</summary>
    public ClusterConnection Connect() => ClusterConnector.Connect(home, config, Gateways());

    /// <summary>The client gateways of the live nodes of this $SSI_HOME, or null where no cluster was started here.</summary>
    public LocalGateways? Gateways() => ClusterRunFile.Read(home) is { } run
        ? new LocalGateways(run.Hostname, LiveNodes().Where(run.ClientPorts.ContainsKey).Select(run.GatewayAddress).ToList())
        : null;

    /// <summary>The cluster file system's store, opened directly (the nodes share it; the store serialises writers).</summary>
    public SqlInodeStore OpenStore() => CfsSettings.Create(config, home).OpenStore();

    public ClusterSecret LoadSecret()
    {
        try
        {
            return ClusterSecret.Load(home.SecretFile);
        }
        catch (SecretUnavailableException e)
        {
            throw new LauncherException(Errno.EACCES, e.Message, FailureKind.Denied);
        }
    }

    private LauncherException NoCluster() => new(Errno.ECONNREFUSED, ClusterConnector.NoCluster(home));

    private static void CheckRange(int n, string what)
    {
        if (n is < 1 or > NodeNumber.LocalMax)
            throw new LauncherException(Errno.EINVAL, $"{what} {n} is out of range (1..{NodeNumber.LocalMax})", FailureKind.Usage);
    }

    /// <summary>Boots nodes in waves of <see cref="LauncherSettings.BootWave"/>, each wave UP before the next starts.</summary>
    private async Task LaunchAsync(ClusterRunFile run, IReadOnlyList<int> nodes, IReadOnlyList<int> seeds, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var deadline = DateTime.UtcNow + _settings.StartTimeout;
        progress($"booting node{(nodes.Count > 1 ? "s" : "")} {string.Join(",", nodes)} (logs in {home.LogDir})");
        ClusterConnection? connection = null;
        try
        {
            foreach (var wave in nodes.Chunk(_settings.BootWave))
            {
                var pids = new Dictionary<int, int>();
                foreach (var n in wave)
                {
                    Directory.CreateDirectory(home.NodeDir(n));
                    File.WriteAllText(home.NodeConfigFile(n), NodeConfigText(run, n, seeds));
                    pids[n] = NodeProcess.Spawn(home, n, [home.NodeConfigFile(n), .. run.ExtraConfigs]);
                }
                // One client for all waves: the gateways of the earlier waves answer for the cluster.
                connection ??= Connect();
                await WaitUntilUpAsync(connection, wave, pids, clock, deadline, ct);
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
        progress($"node{(nodes.Count > 1 ? "s" : "")} {string.Join(",", nodes)} UP after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static string NodeConfigText(ClusterRunFile run, int node, IReadOnlyList<int> seeds)
    {
        var seedList = string.Join(", ", seeds.Where(run.Ports.ContainsKey).Select(s => $"\"{run.HostPort(s)}\""));
        return $"""
            # Written by `ssi start`/`ssi add` for node {node}; rewritten at each launch.
            ssi.cluster.system-name = "{run.SystemName}"
            ssi.cluster.hostname = "{run.Hostname}"
            ssi.cluster.seed-nodes = [{seedList}]
            ssi.node.port = {run.Ports[node].ToString(CultureInfo.InvariantCulture)}
            ssi.node.client-port = {run.ClientPorts[node].ToString(CultureInfo.InvariantCulture)}

            """;
    }

    // Not a tunable: how often a boot asks for the cluster's view, fine enough next to a node's seconds of start-up.
    private static readonly TimeSpan UpPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls the cluster until every new node is UP in the view of every live node, reporting each change.</summary>
    private async Task WaitUntilUpAsync(ClusterConnection connection, IReadOnlyList<int> nodes, Dictionary<int, int> pids, Stopwatch clock, DateTime deadline, CancellationToken ct)
    {
        var seen = new Dictionary<int, NodeState>();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var (n, pid) in pids)
                if (!NodeProcess.IsNodeProcess(pid, n))
                    throw new LauncherException(Errno.EIO, $"node {n} exited while booting; last lines of {home.NodeLogFile(n)}:{Environment.NewLine}{NodeProcess.LogTail(home, n)}");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new LauncherException(Errno.ETIMEDOUT, $"nodes did not come UP within {_settings.StartTimeout.TotalSeconds:0} s; see {home.LogDir}");
            var status = await connection.StatusAsync(giveUpAfter: left, ct: ct);
            foreach (var info in status.View.Nodes.Where(i => nodes.Contains(i.Node.Value)))
                if (!seen.TryGetValue(info.Node.Value, out var s) || s != info.State)
                {
                    seen[info.Node.Value] = info.State;
                    progress($"  node {info.Node} {info.State} ({clock.Elapsed.TotalSeconds:0.0} s)");
                }
            if (nodes.All(n => status.View.Nodes.Any(i => i.Node.Value == n && i.State == NodeState.UP && i.Reachable))
                && await AllLiveNodesAgreeAsync(connection, nodes, left, ct))
                return;
            await Task.Delay(UpPollInterval, ct);
        }
    }

    private async Task<bool> AllLiveNodesAgreeAsync(ClusterConnection connection, IReadOnlyList<int> nodes, TimeSpan left, CancellationToken ct)
    {
        foreach (var observer in LiveNodes())
        {
            var view = await connection.StatusAsync(observer, left, ct);
            if (!nodes.All(n => view.View.Nodes.Any(i => i.Node.Value == n && i.State == NodeState.UP && i.Reachable))) return false;
        }
        return true;
    }
}
