// Boot and failure-detection benchmark: time to UP for 3 and 15 nodes, SIGKILL-to-DOWN, and the same with busy CPUs.
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Akka.Configuration;
using Ssi.Actors.Configuration;
using Ssi.Actors.Membership;
using Ssi.Host.Cli;
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
        var json = new JsonOption();
        var command = new Command("boot", """
            Boots real local clusters in temporary $SSI_HOMEs and measures, over several runs (medians):
              - time from start to all UP, for each size in --sizes;
              - time from SIGKILL of node 3 to DOWN on every survivor of a 3-node cluster;
              - the same with every CPU kept busy, and how many false unreachable/down events the load caused.

            Examples:
              ssi bench boot
              ssi bench boot --runs 5 --sizes 3 --json
            """);
        command.Options.Add(runs);
        command.Options.Add(sizes);
        command.Options.Add(watch);
        command.Options.Add(json);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("bench boot", async token =>
        {
            var r = parse.GetValue(runs);
            var s = parse.GetValue(sizes) ?? [3, 15];
            if (r < 1) throw CliException.Usage("--runs must be at least 1");
            if (s.Any(n => n is < 3 or > 15)) throw CliException.Usage("--sizes must be between 3 and 15");
            var results = await RunAsync(r, s, TimeSpan.FromSeconds(parse.GetValue(watch)), parse.GetValue(json), token);
            Console.Write(parse.GetValue(json) ? ToJson(results) : ToTable(results));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public sealed record Metric(string Name, string Unit, List<double> Samples)
    {
        public double Median => Percentile(0.5);
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

    public static async Task<List<Metric>> RunAsync(int runs, int[] sizes, TimeSpan watch, bool quiet, CancellationToken ct)
    {
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
                Add("rm 3 -> DOWN on every survivor (idle)", "s", await KillToDownAsync(cluster, ct)));
            Say($"run {run}/{runs}: SIGKILL node 3 of 3, every CPU busy");
            await WithClusterAsync(3, ct, async (cluster, _) =>
            {
                using var burners = CpuBurners.Start(Environment.ProcessorCount);
                var falseEvents = await WatchForFalseDownsAsync(cluster, watch, ct);
                Add($"false unreachable+down events in {watch.TotalSeconds:0} s (busy)", "events", falseEvents);
                Add("rm 3 -> DOWN on every survivor (busy)", "s", await KillToDownAsync(cluster, ct));
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

    /// <summary>Seconds from SIGKILL of node 3 until both survivors report it DOWN.</summary>
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

    /// <summary>Unreachable and down events that every node recorded while nothing was killed.</summary>
    private static async Task<double> WatchForFalseDownsAsync(LocalCluster cluster, TimeSpan watch, CancellationToken ct)
    {
        await using var connection = cluster.Connect();
        async Task<int> CountAsync()
        {
            var total = 0;
            foreach (var n in new[] { 1, 2, 3 })
            {
                var view = (await connection.StatusAsync(n, ct: ct)).View;
                total += view.UnreachableEvents + view.DownEvents;
            }
            return total;
        }
        var before = await CountAsync();
        await Task.Delay(watch, ct);
        return await CountAsync() - before;
    }

    public static string ToTable(IEnumerable<Metric> metrics)
    {
        var list = metrics.ToList();
        var width = list.Max(m => m.Name.Length);
        var w = new StringWriter();
        w.WriteLine($"{"metric".PadRight(width)}  {"median",9}  {"min",9}  {"max",9}  unit    runs");
        foreach (var m in list)
            w.WriteLine($"{m.Name.PadRight(width)}  {m.Median,9:0.000}  {m.Min,9:0.000}  {m.Max,9:0.000}  {m.Unit,-6}  {m.Samples.Count}");
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
            metrics = metrics.Select(m => new { name = m.Name, unit = m.Unit, median = m.Median, min = m.Min, max = m.Max, samples = m.Samples }),
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
}
