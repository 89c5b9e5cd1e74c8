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
public sealed partial class ChaosRun(LocalCluster cluster, SsiClient client, int seed, IReadOnlyList<Fault> faults, TimeSpan length, int nodes, Action<string> say)
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
