// One `ssi chaos` run: a workload on a real local cluster while a seeded schedule kills, pauses, partitions and
// restarts its nodes; then the invariants.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Actors.Signals;
using Ssi.Cfs.Permissions;
using Akka.Actor;
using Ssi.Host.Bench;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Vproc.Programs;
using static Ssi.Host.Bench.ProcBenchmark;

namespace Ssi.Host.Chaos;

/// <summary>How the workload fared: what it did, and what failed while nodes were failing (failures are allowed).</summary>
public sealed class ChaosCounts
{
    public int WritesAcked, WritesFailed, FamiliesFinished, FamiliesKilled, FamiliesCut, FamiliesNotStarted, ChildrenReaped;
    public int SleepersSignalled, SleepersLost, SleepersCut, SleepersNotStarted, Moves, MovesRefused, Rounds, PartialRounds;
    [System.Text.Json.Serialization.JsonIgnore]
    public readonly List<double> WriteMilliseconds = [];

    /// <summary>Acknowledged writes' times: median and p99, in milliseconds (0 if none).</summary>
    public (double Median, double P99) WriteTimes()
    {
        List<double> sorted;
        lock (WriteMilliseconds) sorted = [.. WriteMilliseconds.Order()];
        return sorted.Count == 0 ? (0, 0) : (sorted[sorted.Count / 2], sorted[(int)(sorted.Count * 0.99)]);
    }
}

public sealed record FaultOutcome(Fault Fault, double StartedAt, string Outcome);

public sealed record ChaosReport(int Seed, int Nodes, double Seconds, IReadOnlyList<FaultOutcome> Faults, ChaosCounts Counts, IReadOnlyList<Violation> Violations);

/// <summary>
/// The workload is four loops through the CLI's own client: records written to files through random nodes (each
/// acknowledged one must read back), parents forking children across nodes and logging each child's end, sleepers
/// signalled and checked for the status they end with, and moves of those processes between nodes. A fifth loop
/// asks every node directly, every second, what it hosts and what it believes, for the invariants that can only be
/// seen while they are broken. Faults come one at a time; after each, the cluster must converge again, and nodes that
/// died are started again.
/// </summary>
public sealed class ChaosRun(LocalCluster cluster, SsiClient client, int seed, IReadOnlyList<Fault> faults, TimeSpan length, int nodes, Action<string> say)
{
    public const int DataFiles = 4;
    public const int RecordSize = 64;
    private const string Dir = "/chaos";

    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ConvergeWithin = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan DownedNodeExitsWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ClientEndsWithin = TimeSpan.FromSeconds(120);
    /// <summary>Shorter than <see cref="ClientEndsWithin"/>: a sleeper whose signal got lost still ends in time.</summary>
    private const string SleeperSeconds = "90";

    private readonly ChaosCounts _counts = new();
    private readonly ConcurrentDictionary<string, Violation> _violations = new();
    private readonly ConcurrentDictionary<int, Lazy<SsiClient>> _direct = new();
    private readonly HashSet<int>[] _acked = [.. Enumerable.Range(0, DataFiles).Select(_ => new HashSet<int>())];
    private readonly ConcurrentDictionary<int, byte> _movable = new();
    private readonly ConcurrentBag<Task> _pending = [];
    private readonly ConcurrentBag<string> _familyLogs = [];
    private readonly Stopwatch _clock = new();

    public static string DataFile(int file) => $"{Dir}/data-{file}";

    /// <summary>Record <paramref name="index"/> of file <paramref name="file"/>: its own bytes, so a misplaced or stale one shows.</summary>
    public static byte[] Record(int seed, int file, int index)
    {
        var text = $"seed {seed} file {file} record {index} ";
        return Encoding.ASCII.GetBytes(text.PadRight(RecordSize - 1, '.') + "\n");
    }

    public async Task<ChaosReport> RunAsync(CancellationToken ct)
    {
        _clock.Start();
        await InstallAsync(client, ct);
        var files = client.Files();
        await files.MkdirAsync(Dir, 0x1FF, ct);
        for (var f = 0; f < DataFiles; f++) await files.CreateAsync(DataFile(f), 0x1A4, ct: ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = new[] { WriterAsync(stop.Token), FamiliesAsync(stop.Token), SleepersAsync(stop.Token), MoverAsync(stop.Token), SamplerAsync(stop.Token) };
        var outcomes = new List<FaultOutcome>();
        try
        {
            foreach (var fault in faults)
            {
                if (fault.At > _clock.Elapsed) await Task.Delay(fault.At - _clock.Elapsed, ct);
                var at = _clock.Elapsed.TotalSeconds;
                say($"  {at,6:0.0} s  fault {fault.Index}/{faults.Count}: {fault.Describe()}");
                var outcome = await InjectAsync(fault, ct);
                say($"  {_clock.Elapsed.TotalSeconds,6:0.0} s    {outcome}");
                outcomes.Add(new FaultOutcome(fault, at, outcome));
                if (_violations.Values.Any(v => v.Invariant == Violation.NoRecovery)) break;
            }
            if (length > _clock.Elapsed) await Task.Delay(length - _clock.Elapsed, ct); // the workload runs for the whole length
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }
        if (!_violations.Values.Any(v => v.Invariant == Violation.NoRecovery))
        {
            try
            {
                await FinishAsync(ct);
            }
            catch (ClientException e)
            {
                // What cannot be read back cannot be judged: reported, so the run still prints what it saw.
                Violate(new(Violation.NoRecovery, $"the final check could not read the cluster: {e.Message}"));
            }
        }
        foreach (var direct in _direct.Values.Where(d => d.IsValueCreated)) await direct.Value.DisposeAsync();
        return new ChaosReport(seed, nodes, _clock.Elapsed.TotalSeconds, outcomes, _counts, [.. _violations.Values]);
    }

    private void Violate(Violation violation)
    {
        if (_violations.TryAdd(violation.Invariant + ": " + violation.Detail, violation))
            say($"  {_clock.Elapsed.TotalSeconds,6:0.0} s    VIOLATION {violation.Invariant}: {violation.Detail}");
    }

    /// <summary>A client whose only contact is node <paramref name="node"/>, so asking it does not cross the cluster's links.</summary>
    private SsiClient Direct(int node) => _direct.GetOrAdd(node, n => new Lazy<SsiClient>(() =>
    {
        var run = ClusterRunFile.Read(cluster.Home) ?? throw new InvalidOperationException("the cluster's run file is gone");
        return new SsiClient(ClusterConnector.Connect(cluster.Home, cluster.Config, new LocalGateways(run.Hostname, [run.GatewayAddress(n)])), Credentials.Root);
    })).Value;

    /// <summary>Drops the direct clients of nodes that went; one the sampler holds fails its requests, which it skips.</summary>
    private async Task ForgetDirectAsync(IEnumerable<int> nodesGone)
    {
        foreach (var n in nodesGone)
            if (_direct.TryRemove(n, out var old) && old.IsValueCreated) await old.Value.DisposeAsync();
    }

    // ---- faults ----

    private async Task<string> InjectAsync(Fault fault, CancellationToken ct)
    {
        var incarnations = fault.Nodes.ToDictionary(n => n, n => NodeProcess.LivePid(cluster.Home, n));
        var others = Enumerable.Range(1, nodes).Except(fault.Nodes).ToList();
        switch (fault.Kind)
        {
            case FaultKind.Kill or FaultKind.KillAllButOne:
                await cluster.RemoveAsync(fault.Nodes.Where(n => incarnations[n] is not null).ToList(), ct);
                await ForgetDirectAsync(fault.Nodes);
                await Task.Delay(fault.Hold, ct);
                break;
            case FaultKind.Pause:
                foreach (var pid in incarnations.Values.OfType<int>()) NodeProcess.Signal(pid, PosixSignalNumber.SIGSTOP);
                try
                {
                    await Task.Delay(fault.Hold, ct);
                }
                finally
                {
                    // Also when interrupted: a stopped node would ignore the SIGTERM of the clean-up.
                    foreach (var pid in incarnations.Values.OfType<int>()) NodeProcess.Signal(pid, PosixSignalNumber.SIGCONT);
                }
                break;
            case FaultKind.Partition:
                await SetLinksAsync(fault.Nodes, others, cut: true, ct);
                await Task.Delay(fault.Hold, ct);
                await MendAsync(ct);
                break;
            case FaultKind.Restart:
                foreach (var (n, pid) in incarnations)
                {
                    if (pid is null) continue;
                    NodeProcess.Signal(pid.Value, PosixSignalNumber.SIGTERM);
                    if (!await NodeProcess.WaitForExitAsync(pid.Value, n, TimeSpan.FromSeconds(60)))
                        Violate(new(Violation.NoRecovery, $"node {n} did not stop within 60 s of SIGTERM"));
                }
                await ForgetDirectAsync(fault.Nodes);
                break;
        }
        return await RecoverAsync(ct);
    }

    private async Task SetLinksAsync(IReadOnlyList<int> side, IReadOnlyList<int> otherSide, bool cut, CancellationToken ct)
    {
        var run = ClusterRunFile.Read(cluster.Home)!;
        foreach (var (from, to) in side.Select(a => (a, otherSide)).Concat(otherSide.Select(b => (b, side))))
        {
            try
            {
                await Direct(from).Processes.SetLinksAsync(from, to.Select(run.HostPort), cut, Ask, ct);
            }
            catch (ClientException e)
            {
                say($"             node {from} did not cut its links: {e.Message}");
            }
        }
    }

    /// <summary>How long a node that is slow to answer is asked again to mend its links.</summary>
    private static readonly TimeSpan MendFor = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Every live node lets its links to every other node through again (named, so a node on a reused port is reached
    /// too), asked again until it answers: a link left cut outlives its fault, and a node started again later cannot
    /// join past it (found by `ssi chaos`: one unanswered mend downed the restarted node and the one that still cut it).
    /// A node that stops meanwhile needs nothing: a new incarnation starts with every link whole.
    /// </summary>
    private async Task MendAsync(CancellationToken ct)
    {
        var run = ClusterRunFile.Read(cluster.Home)!;
        var pending = cluster.LiveNodes().ToList();
        var until = DateTime.UtcNow + MendFor;
        var lastError = new Dictionary<int, string>();
        while (pending.Count > 0)
        {
            foreach (var n in pending.ToList())
            {
                try
                {
                    await Direct(n).Processes.SetLinksAsync(n, Enumerable.Range(1, nodes).Where(m => m != n && run.Ports.ContainsKey(m)).Select(run.HostPort), cut: false, Ask, ct);
                    pending.Remove(n);
                }
                catch (ClientException e)
                {
                    lastError[n] = e.Message;
                }
            }
            pending.RemoveAll(n => !cluster.LiveNodes().Contains(n));
            if (pending.Count == 0) return;
            if (DateTime.UtcNow > until) break;
            await Task.Delay(500, ct);
        }
        foreach (var n in pending) say($"             node {n} did not mend its links in {MendFor.TotalSeconds:0} s: {lastError.GetValueOrDefault(n)}");
    }

    /// <summary>
    /// Waits until every live node sees every live node UP and every dead one DOWN or gone; a node the others have
    /// downed must exit on its own within <see cref="DownedNodeExitsWithin"/>. Then starts the dead nodes again.
    /// </summary>
    private async Task<string> RecoverAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var downedSince = new Dictionary<int, TimeSpan>();
        var exited = new List<int>();
        var before = cluster.LiveNodes();
        while (true)
        {
            var live = cluster.LiveNodes();
            exited.AddRange(before.Except(live).Except(exited));
            var views = new Dictionary<int, NodeTableView>();
            foreach (var n in live)
            {
                try
                {
                    views[n] = (await Direct(n).StatusAsync(n, Ask, ct)).View;
                }
                catch (ClientException)
                {
                    // Still booting, paused a moment ago, or on its way out.
                }
            }
            bool Sees(NodeTableView view, int m, bool up) => view.Nodes.FirstOrDefault(i => i.Node.Value == m) is var info
                && (up ? info is { State: NodeState.UP, Reachable: true } : info is null || info.State == NodeState.DOWN);
            var dead = Enumerable.Range(1, nodes).Except(live).ToList();
            if (views.Count == live.Count && views.Values.All(v => live.All(m => Sees(v, m, up: true)) && dead.All(d => Sees(v, d, up: false))))
                break;
            foreach (var n in live)
            {
                var judges = views.Where(v => v.Key != n).Select(v => v.Value).ToList();
                if (judges.Count > 0 && judges.All(v => Sees(v, n, up: false)))
                {
                    downedSince.TryAdd(n, clock.Elapsed);
                    if (clock.Elapsed - downedSince[n] > DownedNodeExitsWithin && NodeProcess.LivePid(cluster.Home, n) is { } pid)
                    {
                        Violate(new(Violation.DownedNodeRuns, $"node {n} (pid {pid}) still runs {DownedNodeExitsWithin.TotalSeconds:0} s after nodes {string.Join(",", views.Keys.Where(k => k != n))} had it DOWN"));
                        NodeProcess.Signal(pid, PosixSignalNumber.SIGKILL);
                        await NodeProcess.WaitForExitAsync(pid, n, TimeSpan.FromSeconds(10));
                    }
                }
                else downedSince.Remove(n);
            }
            if (clock.Elapsed > ConvergeWithin)
            {
                Violate(new(Violation.NoRecovery, $"no agreement {ConvergeWithin.TotalSeconds:0} s after the fault: " + string.Join("; ",
                    views.Select(v => $"node {v.Key} sees " + string.Join(",", v.Value.Nodes.Select(i => $"{i.Node}:{i.State}{(i.Reachable ? "" : "?")}"))))));
                return "the cluster did not converge";
            }
            await Task.Delay(250, ct);
        }
        var gone = Enumerable.Range(1, nodes).Except(cluster.LiveNodes()).ToList();
        var converged = $"converged after {clock.Elapsed.TotalSeconds:0.0} s";
        if (exited.Count > 0) converged += $"; node{(exited.Count > 1 ? "s" : "")} {string.Join(",", exited)} exited on {(exited.Count > 1 ? "their" : "its")} own";
        if (gone.Count == 0) return converged;
        if (gone.Count == nodes)
        {
            Violate(new(Violation.NoRecovery, "every node is gone"));
            return converged;
        }
        await ForgetDirectAsync(gone);
        try
        {
            await cluster.AddAsync(gone, ct);
        }
        catch (LauncherException e)
        {
            Violate(new(Violation.NoRecovery, $"nodes {string.Join(",", gone)} could not be started again: {e.Message}"));
            return converged;
        }
        return $"{converged}; started node{(gone.Count > 1 ? "s" : "")} {string.Join(",", gone)} again ({clock.Elapsed.TotalSeconds:0.0} s)";
    }

    // ---- workload ----

    private static async Task Pace(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriterAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 1);
        var next = new int[DataFiles];
        while (!ct.IsCancellationRequested)
        {
            var f = random.Next(DataFiles);
            var index = next[f]++;
            var clock = Stopwatch.StartNew();
            try
            {
                await client.Files(1 + random.Next(nodes), Ask * 3).WriteAsync(DataFile(f), (long)index * RecordSize, Record(seed, f, index), ct: ct);
                lock (_acked[f]) _acked[f].Add(index);
                lock (_counts.WriteMilliseconds) _counts.WriteMilliseconds.Add(clock.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref _counts.WritesAcked);
            }
            catch (ClientException)
            {
                Interlocked.Increment(ref _counts.WritesFailed);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await Pace(TimeSpan.FromMilliseconds(random.Next(10, 50)), ct);
        }
    }

    private async Task FamiliesAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 2);
        var running = new List<Task>();
        var family = 0;
        var spread = string.Join(",", Enumerable.Range(1, nodes));
        while (!ct.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count < 2)
            {
                var task = FamilyAsync(++family, 1 + random.Next(nodes), spread);
                running.Add(task);
                _pending.Add(task);
            }
            await Pace(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    private async Task FamilyAsync(int family, int node, string spread)
    {
        var log = $"{Dir}/family-{family}.log";
        Attached started;
        try
        {
            started = await StartAsync(client, node, ["/bin/bench-chaosfamily", "4", log, spread], CancellationToken.None);
        }
        catch (ClientException)
        {
            Interlocked.Increment(ref _counts.FamiliesNotStarted);
            return;
        }
        _familyLogs.Add(log);
        _movable.TryAdd(started.Started.Pid.Value, 0);
        var (status, how) = await EndOfAsync(started, $"family {family} (pid {started.Started.Pid})");
        _movable.TryRemove(started.Started.Pid.Value, out _);
        switch (how)
        {
            case End.Status when status == 0: Interlocked.Increment(ref _counts.FamiliesFinished); break;
            case End.Status or End.Lost:
                Interlocked.Increment(ref _counts.FamiliesKilled);
                say($"  {_clock.Elapsed.TotalSeconds,6:0.0} s    family {family} (pid {started.Started.Pid}) ended {(how == End.Lost ? "with its node" : $"with wait status {status}")} {started.Output.ToString().Trim()}");
                break;
            case End.Cut: Interlocked.Increment(ref _counts.FamiliesCut); break;
        }
    }

    private async Task SleepersAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 3);
        while (!ct.IsCancellationRequested)
        {
            Attached sleeper;
            try
            {
                sleeper = await StartAsync(client, 1 + random.Next(nodes), ["/bin/sleep", SleeperSeconds], ct);
            }
            catch (ClientException)
            {
                Interlocked.Increment(ref _counts.SleepersNotStarted);
                await Pace(TimeSpan.FromMilliseconds(500), ct);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var pid = sleeper.Started.Pid.Value;
            _movable.TryAdd(pid, 0);
            await Pace(TimeSpan.FromMilliseconds(random.Next(300, 3000)), ct);
            var signal = random.Next(2) == 0 ? Signal.SIGTERM : Signal.SIGKILL;
            _pending.Add(SignalAsync(sleeper, signal));
        }
    }

    /// <summary>Signals a sleeper; one that took the signal must end with it (or with SIGKILL, if its node died).</summary>
    private async Task SignalAsync(Attached sleeper, int signal)
    {
        var pid = sleeper.Started.Pid.Value;
        _movable.TryRemove(pid, out _);
        bool delivered;
        try
        {
            delivered = (await client.Processes.KillAsync(pid, signal, Ask * 5)).IsOk;
        }
        catch (ClientException)
        {
            delivered = false; // no answer: it may or may not have arrived
        }
        var (status, how) = await EndOfAsync(sleeper, $"sleeper {pid}");
        switch (how)
        {
            case End.Status when delivered && WaitStatus.IfSignaled(status) && WaitStatus.TermSig(status) is var s && (s == signal || s == Signal.SIGKILL):
            case End.Status when !delivered: // the signal may not have arrived: it was killed or slept its time out
                Interlocked.Increment(ref _counts.SleepersSignalled);
                break;
            case End.Status:
                Violate(new(Violation.SignalStatus, $"sleeper {pid} ended with wait status {status} after {(delivered ? "taking" : "an unanswered")} {Signal.Describe(signal)}"));
                break;
            case End.Lost:
                Interlocked.Increment(ref _counts.SleepersLost);
                break;
            case End.Cut:
                Interlocked.Increment(ref _counts.SleepersCut);
                try
                {
                    await client.Processes.KillAsync(pid, Signal.SIGKILL, Ask * 5); // its terminal is gone; it may run on
                }
                catch (ClientException)
                {
                    // Nobody answered; the cluster's own cleanup is what is under test, not this.
                }
                break;
        }
    }

    private enum End { Status, Lost, Cut, Hung }

    /// <summary>How an attached process ended: its status, lost with its node, or its terminal lost while it may run on.</summary>
    private async Task<(int Status, End How)> EndOfAsync(Attached attached, string what)
    {
        try
        {
            return (await attached.Ended.Task.WaitAsync(ClientEndsWithin), End.Status);
        }
        catch (TerminalAttachment.ProcessLost)
        {
            return (0, End.Lost);
        }
        catch (TerminalAttachment.TerminalLost)
        {
            var lost = await LostAsync(attached.Started.Pid);
            return (0, lost ? End.Lost : End.Cut);
        }
        catch (TimeoutException)
        {
            Violate(new(Violation.ClientHangs, $"the client of {what} had no end {ClientEndsWithin.TotalSeconds:0} s after it was due "
                + $"(its terminal at {attached.Started.Terminal.Path.Address}; the process: {await DescribeAsync(attached.Started.Pid)})"));
            return (0, End.Hung);
        }
        finally
        {
            attached.Attachment.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        }
    }

    /// <summary>What the cluster says of a process, for a violation's post-mortem.</summary>
    private async Task<string> DescribeAsync(Pid pid)
    {
        try
        {
            var info = await client.Processes.QueryAsync(pid);
            return info.IsOk ? $"{info.Value.State} on node {info.Value.Node}, {info.Value.Command}" : info.ToString();
        }
        catch (ClientException e)
        {
            return "no answer: " + e.Message;
        }
    }

    private async Task<bool> LostAsync(Pid pid)
    {
        try
        {
            return await client.Processes.LostAsync(pid) == true;
        }
        catch (ClientException)
        {
            return false;
        }
    }

    private async Task MoverAsync(CancellationToken ct)
    {
        var random = new Random(seed * 31 + 4);
        while (!ct.IsCancellationRequested)
        {
            await Pace(TimeSpan.FromMilliseconds(300), ct);
            var candidates = _movable.Keys.ToList();
            if (candidates.Count == 0) continue;
            var pid = candidates[random.Next(candidates.Count)];
            try
            {
                await client.Processes.MigrateAsync(new Pid(pid), new NodeNumber(1 + random.Next(nodes)), ct);
                Interlocked.Increment(ref _counts.Moves);
            }
            catch (ClientException)
            {
                Interlocked.Increment(ref _counts.MovesRefused);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SamplerAsync(CancellationToken ct)
    {
        IReadOnlyList<NodeSample> previous = [];
        var downedSince = new Dictionary<int, TimeSpan>();
        while (!ct.IsCancellationRequested)
        {
            var round = await Task.WhenAll(Enumerable.Range(1, nodes).Select(n => SampleAsync(n, ct)));
            Interlocked.Increment(ref _counts.Rounds);
            if (round.Any(s => s.Pids is null || s.View is null)) Interlocked.Increment(ref _counts.PartialRounds);
            foreach (var violation in ChaosChecks.Round(previous, round)) Violate(violation);
            var downed = ChaosChecks.DownedButServing(round);
            foreach (var gone in downedSince.Keys.Except(downed.Select(d => d.Node)).ToList()) downedSince.Remove(gone);
            foreach (var (node, violation) in downed)
                if (_clock.Elapsed - (downedSince.TryAdd(node, _clock.Elapsed) ? _clock.Elapsed : downedSince[node]) >= ChaosChecks.DownedNodeGrace)
                    Violate(violation);
            previous = round;
            await Pace(TimeSpan.FromSeconds(1), ct);
        }
    }

    private async Task<NodeSample> SampleAsync(int node, CancellationToken ct)
    {
        if (NodeProcess.LivePid(cluster.Home, node) is null) return new NodeSample(node, null, null, null);
        var direct = Direct(node);
        async Task<T?> Try<T>(Func<Task<T>> ask) where T : class
        {
            try
            {
                return await ask();
            }
            catch (Exception e) when (e is ClientException or OperationCanceledException)
            {
                return null;
            }
        }
        var pids = Try(async () => (await direct.Processes.ListOnAsync(node, Ask, ct)).Select(p => p.Pid.Value).ToList());
        var view = Try(async () => (await direct.StatusAsync(node, Ask, ct)).View);
        var owners = Enumerable.Range(0, DataFiles).Select(f => Try(async () => (await direct.Files(node, Ask).WhereAsync(DataFile(f), ct)).Node.Value.ToString())).ToList();
        await Task.WhenAll([pids, view, .. owners]);
        var known = new Dictionary<string, int>();
        for (var f = 0; f < DataFiles; f++)
            if (owners[f].Result is { } owner) known[DataFile(f)] = int.Parse(owner, System.Globalization.CultureInfo.InvariantCulture);
        return new NodeSample(node, pids.Result, view.Result, known);
    }

    // ---- the end ----

    private async Task FinishAsync(CancellationToken ct)
    {
        say($"  {_clock.Elapsed.TotalSeconds,6:0.0} s  schedule done; waiting for the workload's processes, then checking");
        await Task.WhenAll(_pending).WaitAsync(ct);
        var files = client.Files(giveUpAfter: TimeSpan.FromSeconds(30));
        for (var f = 0; f < DataFiles; f++)
        {
            var content = await ReadAllAsync(files, DataFile(f), ct);
            int[] acked;
            lock (_acked[f]) acked = [.. _acked[f]];
            foreach (var v in ChaosChecks.LostWrites(DataFile(f), content, acked, RecordSize, i => Record(seed, f, i))) Violate(v);
        }
        foreach (var log in _familyLogs.Order())
        {
            var text = await files.ReadTextAsync(log, ct) ?? "";
            _counts.ChildrenReaped += text.Split('\n').Count(l => l.StartsWith("reaped ", StringComparison.Ordinal));
            foreach (var v in ChaosChecks.Family(log, text)) Violate(v);
        }
    }

    private static async Task<byte[]> ReadAllAsync(FileClient files, string path, CancellationToken ct)
    {
        var all = new MemoryStream();
        while (true)
        {
            var chunk = await files.ReadAsync(path, all.Length, 256 * 1024, ct);
            all.Write(chunk);
            if (chunk.Length == 0) return all.ToArray();
        }
    }
}
