// Boot and failure-detection benchmark: time to UP for 3 and 15 nodes, SIGKILL-to-DOWN, and the same with busy CPUs.
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Membership;
using Ssi.Host.Cli;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Host.Node;

namespace Ssi.Host.Bench;

public static class BootBenchmark
{
    public static Command Command()
    {
        var runs = new Option<int>("--runs") { Description = "repetitions; medians are taken over them", DefaultValueFactory = _ => 3 };
        var sizes = new Option<int[]>("--sizes") { Description = "cluster sizes to boot", DefaultValueFactory = _ => [3, 15], AllowMultipleArgumentsPerToken = true };
        var watch = new Option<double>("--watch-seconds") { Description = "how long to watch for false downs with busy CPUs", DefaultValueFactory = _ => 10 };
        var burners = new Option<int>("--burners-per-cpu") { Description = "busy-looping processes per CPU while busy (at normal priority)", DefaultValueFactory = _ => 1 };
        var kills = new Option<int>("--kills") { Description = "SIGKILLs of node 3 per run and CPU state (it is started again after each)", DefaultValueFactory = _ => 1 };
        var workload = new Option<bool>("--workload") { Description = "while busy, also write files and list processes through the cluster without pause" };
        var json = new JsonOption();
        var command = new Command("boot", """
            Boots real local clusters in temporary $SSI_HOMEs and measures, over several runs (medians):
              - time from start to all UP, for each size in --sizes;
              - time from SIGKILL of node 3 to DOWN on every survivor of a 3-node cluster;
              - the same with every CPU kept busy, and how many false unreachable events and false downs the
                load caused (a healthy node marked unreachable, or downed: a downed node stops with its processes).
            Each time is reported as median, p99, min and max over all its samples.

            Examples:
              ssi bench boot
              ssi bench boot --runs 5 --sizes 3 --json
              ssi bench boot --sizes 3 --runs 1 --kills 20 --burners-per-cpu 8 --workload --watch-seconds 600
                (the heavy-load test: eight busy processes per core and a workload for 10 minutes, then 20 kills)
            """);
        command.Options.Add(runs);
        command.Options.Add(sizes);
        command.Options.Add(watch);
        command.Options.Add(burners);
        command.Options.Add(kills);
        command.Options.Add(workload);
        command.Options.Add(json);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench boot", async token =>
        {
            var r = parse.GetValue(runs);
            var s = parse.GetValue(sizes) ?? [3, 15];
            if (r < 1) throw CliException.Usage("--runs must be at least 1");
            if (s.Any(n => n is < 3 or > 15)) throw CliException.Usage("--sizes must be between 3 and 15");
            var load = new BusyLoad(parse.GetValue(burners), parse.GetValue(workload));
            if (load.BurnersPerCpu is < 1 or > 32) throw CliException.Usage("--burners-per-cpu must be between 1 and 32");
            if (parse.GetValue(kills) is < 1 or > 100) throw CliException.Usage("--kills must be between 1 and 100");
            if (parse.GetValue(watch) is < 0 or > 3600) throw CliException.Usage("--watch-seconds must be between 0 and 3600");
            var results = await RunAsync(r, s, TimeSpan.FromSeconds(parse.GetValue(watch)), parse.GetValue(json), token, load, parse.GetValue(kills));
            Console.Write(parse.GetValue(json) ? ToJson(results) : ToTable(results));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>What "busy" means: busy-looping processes per CPU, and whether a client workload runs as well.</summary>
    public sealed record BusyLoad(int BurnersPerCpu, bool Workload)
    {
        public static readonly BusyLoad Default = new(1, false);
    }

    public sealed record Metric(string Name, string Unit, List<double> Samples)
    {
        public double Median => Percentile(0.5);
        public double P99 => Percentile(0.99);
        public double Min => Samples.Min();
        public double Max => Samples.Max();

        private double Percentile(double p)
        {
            var sorted = Samples.Order().ToList();
            var rank = p * (sorted.Count - 1);
            var lo = (int)Math.Floor(rank);
            var hi = (int)Math.Ceiling(rank);
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
        }
    }

    public static async Task<List<Metric>> RunAsync(int runs, int[] sizes, TimeSpan watch, bool quiet, CancellationToken ct,
        BusyLoad? load = null, int kills = 1)
    {
        load ??= BusyLoad.Default;
        var metrics = new Dictionary<string, Metric>();
        void Add(string name, string unit, double value)
        {
            if (!metrics.TryGetValue(name, out var m)) metrics[name] = m = new Metric(name, unit, []);
            m.Samples.Add(value);
        }
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);

        for (var run = 1; run <= runs; run++)
        {
            foreach (var size in sizes)
            {
                Say($"run {run}/{runs}: start {size} nodes");
                await WithClusterAsync(size, ct, (_, seconds) =>
                {
                    Add($"start {size} nodes -> all UP", "s", seconds);
                    return Task.CompletedTask;
                });
            }
            Say($"run {run}/{runs}: SIGKILL node 3 of 3, idle CPUs");
            await WithClusterAsync(3, ct, async (cluster, _) =>
            {
                for (var kill = 0; kill < kills; kill++)
                    Add("rm 3 -> DOWN on every survivor (idle)", "s", await KillToDownAsync(cluster, kill < kills - 1, ct));
            });
            var busy = $"{load.BurnersPerCpu * Environment.ProcessorCount} busy processes on {Environment.ProcessorCount} CPUs{(load.Workload ? " and a workload" : "")}";
            Say($"run {run}/{runs}: SIGKILL node 3 of 3, {busy}");
            await WithClusterAsync(3, ct, async (cluster, _) =>
            {
                using var burners = CpuBurners.Start(load.BurnersPerCpu * Environment.ProcessorCount, maxSeconds: (int)watch.TotalSeconds + 60 * kills + 300);
                using var stopWorkload = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var workload = load.Workload ? WorkloadAsync(cluster, stopWorkload.Token) : Task.FromResult(0L);
                var watched = await WatchForFalseDownsAsync(cluster, watch, ct);
                Add($"false unreachable+down events in {watch.TotalSeconds:0} s (busy)", "events", watched.Unreachable + watched.Downs);
                Add($"false unreachable events in {watch.TotalSeconds:0} s (busy)", "events", watched.Unreachable);
                Add($"false downs in {watch.TotalSeconds:0} s (busy)", "nodes", watched.Downs);
                for (var kill = 0; kill < kills; kill++)
                {
                    if (cluster.LiveNodes().Count < 3) break; // a false down took a node: the kills would measure nothing
                    Add("rm 3 -> DOWN on every survivor (busy)", "s", await KillToDownAsync(cluster, kill < kills - 1, ct));
                }
                await stopWorkload.CancelAsync();
                if (load.Workload) Add("workload operations while busy", "ops", await workload);
            });
        }
        return metrics.Values.ToList();
    }

    /// <summary>
    /// Boots a cluster in a fresh temporary $SSI_HOME, runs the body, and always stops and deletes it (keeping the logs
    /// where the body failed or <paramref name="keepLogs"/> says so). <paramref name="configs"/> are read by the nodes
    /// and the client; <paramref name="nodeConfigs"/> by the nodes alone.
    /// </summary>
    public static async Task WithClusterAsync(int size, CancellationToken ct, Func<LocalCluster, double, Task> body,
        IReadOnlyList<string>? configs = null, IReadOnlyList<string>? nodeConfigs = null, Func<bool>? keepLogs = null, string label = "bench")
    {
        configs ??= [];
        var home = new SsiHome(Path.Combine(Path.GetTempPath(), $"ssi-{label}-" + Guid.NewGuid().ToString("N")[..8]));
        var cluster = new LocalCluster(home, SsiCommandLine.LoadConfig(configs), _ => { });
        var ok = false;
        try
        {
            var clock = Stopwatch.StartNew();
            await cluster.StartAsync(size, [.. configs, .. nodeConfigs ?? []], ct);
            await body(cluster, clock.Elapsed.TotalSeconds);
            ok = keepLogs?.Invoke() != true;
        }
        finally
        {
            if (cluster.LiveNodes() is { Count: > 0 } live)
            {
                // Interrupted (Ctrl-C, SIGTERM): the runtime gives a few seconds to tidy up, too few to leave in order
                // node by node, and this cluster is thrown away anyway.
                if (ct.IsCancellationRequested) await cluster.RemoveAsync([.. live], CancellationToken.None);
                else await cluster.StopAsync(CancellationToken.None);
            }
            // A failed run keeps its logs for the post-mortem.
            if (ok) Directory.Delete(home.Root, recursive: true);
            else Console.Error.WriteLine($"{label}: logs of the run kept in {home.LogDir}");
        }
    }

    /// <summary>Seconds from SIGKILL of node 3 until both survivors report it DOWN; node 3 is started again if <paramref name="again"/>.</summary>
    private static async Task<double> KillToDownAsync(LocalCluster cluster, bool again, CancellationToken ct)
    {
        var seconds = await KillToDownAsync(cluster, ct);
        if (again) await cluster.AddAsync([3], ct);
        return seconds;
    }

    private static async Task<double> KillToDownAsync(LocalCluster cluster, CancellationToken ct)
    {
        await using var connection = cluster.Connect();
        var clock = Stopwatch.StartNew();
        await cluster.RemoveAsync([3], ct);
        var seen = await Task.WhenAll(new[] { 1, 2 }.Select(async observer =>
        {
            while (true)
            {
                var status = await connection.StatusAsync(observer, TimeSpan.FromSeconds(60), ct);
                if (status.View.Nodes.Any(n => n.Node.Value == 3 && n.State == NodeState.DOWN)) return clock.Elapsed.TotalSeconds;
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"node {observer} never saw node 3 DOWN");
                await Task.Delay(25, ct);
            }
        }));
        return seen.Max();
    }

    /// <summary>
    /// Unreachable events every node recorded while nothing was killed, and the nodes downed meanwhile: each down a
    /// survivor recorded, or, if none survived to say, each node that stopped.
    /// </summary>
    private static async Task<(int Unreachable, int Downs)> WatchForFalseDownsAsync(LocalCluster cluster, TimeSpan watch, CancellationToken ct)
    {
        await using var connection = cluster.Connect();
        async Task<Dictionary<int, (int Unreachable, int Downs)>> CountAsync()
        {
            var counts = new Dictionary<int, (int, int)>();
            foreach (var n in cluster.LiveNodes())
            {
                try
                {
                    var view = (await connection.StatusAsync(n, TimeSpan.FromSeconds(30), ct)).View;
                    counts[n] = (view.UnreachableEvents, view.DownEvents);
                }
                catch (ClientException)
                {
                    // a node downed meanwhile is counted as stopped below
                }
            }
            return counts;
        }
        var before = await CountAsync();
        await Task.Delay(watch, ct);
        var after = await CountAsync();
        var unreachable = after.Sum(a => a.Value.Unreachable - (before.TryGetValue(a.Key, out var b) ? b.Unreachable : 0));
        var downsSeen = after.Select(a => a.Value.Downs - (before.TryGetValue(a.Key, out var b) ? b.Downs : 0)).DefaultIfEmpty(0).Max();
        var stopped = before.Keys.Count(n => !after.ContainsKey(n));
        return (unreachable, Math.Max(downsSeen, stopped));
    }

    /// <summary>What "a benchmark running" adds: file writes through each node in turn and process listings, back to back.</summary>
    private static async Task<long> WorkloadAsync(LocalCluster cluster, CancellationToken ct)
    {
        await using var client = new SsiClient(cluster.Connect(), Ssi.Cfs.Permissions.Credentials.Root);
        var path = "/tmp/bench-boot-workload";
        var operations = 0L;
        var record = new byte[512];
        try
        {
            await client.Files().CreateAsync(path, 0x1A4, ct: ct);
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await client.Files(1 + (int)(operations % 3)).WriteAsync(path, operations % 1024 * record.Length, record, ct: ct);
                    if (operations % 10 == 0) await client.Processes.ListAsync(ct);
                    operations++;
                }
                catch (ClientException)
                {
                    // a node being killed: the workload goes on through the others
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return operations;
    }

    public static string ToTable(IEnumerable<Metric> metrics)
    {
        var list = metrics.ToList();
        var width = list.Max(m => m.Name.Length);
        var w = new StringWriter();
        w.WriteLine($"{"metric".PadRight(width)}  {"median",9}  {"p99",9}  {"min",9}  {"max",9}  unit    samples");
        foreach (var m in list)
            w.WriteLine($"{m.Name.PadRight(width)}  {m.Median,9:0.000}  {m.P99,9:0.000}  {m.Min,9:0.000}  {m.Max,9:0.000}  {m.Unit,-6}  {m.Samples.Count}");
        var idle = list.FirstOrDefault(m => m.Name.Contains("(idle)"));
        var busy = list.FirstOrDefault(m => m.Name.StartsWith("rm 3") && m.Name.Contains("(busy)"));
        if (idle is not null && busy is not null)
            w.WriteLine($"busy/idle ratio of rm -> DOWN: {busy.Median / idle.Median:0.00}");
        return w.ToString();
    }

    public static string ToJson(IEnumerable<Metric> metrics) =>
        JsonSerializer.Serialize(new
        {
            benchmark = "boot",
            cpus = Environment.ProcessorCount,
            metrics = metrics.Select(m => new { name = m.Name, unit = m.Unit, median = m.Median, min = m.Min, max = m.Max, samples = m.Samples, p99 = m.P99 }),
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
}
