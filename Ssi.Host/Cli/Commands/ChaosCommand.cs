// `ssi chaos`: a seeded schedule of node failures against a workload on a real local cluster, then its invariants.
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ssi.Cfs.Permissions;
using Ssi.Host.Bench;
using Ssi.Host.Chaos;
using Ssi.Host.Client;

namespace Ssi.Host.Cli.Commands;

public static class ChaosCommand
{
    public static Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "the schedule's seed (the same seed replays the same faults)", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int>("--seeds") { Description = "how many seeds to run, one cluster each: --seed, --seed+1, ...", DefaultValueFactory = _ => 1 };
        var minutes = new Option<double>("--minutes") { Description = "how long each run's workload runs (one fault per 20 s)", DefaultValueFactory = _ => 1 };
        var nodes = new Option<int>("--nodes") { Description = "nodes in each cluster (3 to 5)", DefaultValueFactory = _ => 3 };
        var scheduleOnly = new Option<bool>("--schedule-only") { Description = "print each seed's faults and boot nothing" };
        var keepLogs = new Option<bool>("--keep-logs") { Description = "keep every run's $SSI_HOME and logs, not only those with violations" };
        var json = new JsonOption("print the report as JSON (progress goes to stderr)");
        var command = new Command("chaos", $"""
            Boots a local cluster in a temporary $SSI_HOME for each seed and runs a workload on it while a schedule
            drawn from the seed kills (SIGKILL), pauses (SIGSTOP, SIGCONT), partitions (links cut both ways inside the
            nodes' transport) and restarts nodes, one fault at a time; after each fault the cluster must agree again
            and dead nodes are started again. The workload writes records to files through random nodes, forks
            children across nodes and waits for them, signals sleeping processes and moves processes between nodes.

            Checked invariants (each violation is printed, and the exit status is 1):
              - {Violation.WriteLost}: every write the cluster acknowledged reads back;
              - {Violation.PidTwice}, {Violation.InodeTwice}: never on two nodes at once (seen in two samples in a row);
              - {Violation.ExitReports}: each child's end reaches its parent once, with its status or SIGKILL's;
              - {Violation.OnDownNode}, {Violation.DownedNodeRuns}: a node the others downed runs nothing and exits;
              - {Violation.SignalStatus}: a signalled process ends with that signal (or SIGKILL, with its node);
              - {Violation.ClientHangs}: every attached client ends; {Violation.NoRecovery}: the cluster agrees again.
            The $SSI_HOME (store and logs) of a run with violations is kept, and its path printed; --keep-logs keeps all.

            Examples:
              ssi chaos --seed 7
              ssi chaos --seed 7 --minutes 10 --schedule-only
              ssi chaos --seed 1 --seeds 100 --minutes 0.5 --json
            """);
        foreach (var o in new Option[] { seed, seeds, minutes, nodes, scheduleOnly, keepLogs, json }) command.Options.Add(o);
        command.SetAction((parse, ct) => SsiCommandLine.RunAsync("chaos", async token =>
        {
            var first = parse.GetValue(seed);
            var count = parse.GetValue(seeds);
            var length = parse.GetValue(minutes);
            var size = parse.GetValue(nodes);
            var quiet = parse.GetValue(json);
            if (count < 1) throw CliException.Usage("--seeds must be at least 1");
            if (length is <= 0 or > 1440) throw CliException.Usage("--minutes must be above 0 and at most 1440");
            if (size is < 3 or > 5) throw CliException.Usage("--nodes must be between 3 and 5");
            if (parse.GetValue(scheduleOnly))
            {
                for (var s = first; s < first + count; s++)
                    foreach (var fault in ChaosSchedule.Create(s, TimeSpan.FromMinutes(length), size))
                        Console.WriteLine($"seed {s} at {fault.At.TotalSeconds,5:0.0} s: {fault.Describe()}");
                return ExitCodes.Ok;
            }
            var reports = new List<ChaosReport>();
            for (var s = first; s < first + count; s++)
                reports.Add(await RunSeedAsync(s, TimeSpan.FromMinutes(length), size, quiet, parse.GetValue(keepLogs), token));
            Console.Write(quiet ? Json(reports) : Table(reports));
            var violations = reports.Sum(r => r.Violations.Count);
            if (violations == 0) return ExitCodes.Ok;
            Console.Error.WriteLine($"ssi: chaos: {violations} violation{(violations > 1 ? "s" : "")} in {reports.Count(r => r.Violations.Count > 0)} of {reports.Count} seed{(reports.Count > 1 ? "s" : "")}");
            return ExitCodes.Failure;
        }, ct));
        return command;
    }

    private static async Task<ChaosReport> RunSeedAsync(int seed, TimeSpan length, int size, bool quiet, bool keepLogs, CancellationToken ct)
    {
        void Say(string line) => (quiet ? Console.Error : Console.Out).WriteLine(line);
        var faults = ChaosSchedule.Create(seed, length, size);
        Say($"seed {seed}: {size} nodes, {faults.Count} fault{(faults.Count > 1 ? "s" : "")}");
        // Only the nodes cut links, through a transport adapter the client does not use.
        // In a directory of its own (mode 0700), so nobody else can plant or swap the file the nodes read.
        var configDir = Directory.CreateTempSubdirectory("ssi-chaos-conf-");
        var nodeConfig = Path.Combine(configDir.FullName, "fault-injection.conf");
        await File.WriteAllTextAsync(nodeConfig, """
            ssi.chaos.fault-injection = on
            akka.remote.dot-netty.tcp.applied-adapters = [trttl]

            """, ct);
        ChaosReport? report = null;
        try
        {
            await BootBenchmark.WithClusterAsync(size, ct, async (cluster, _) =>
            {
                await using var client = new SsiClient(cluster.Connect(), Credentials.Root);
                report = await new ChaosRun(cluster, client, seed, faults, length, size, Say).RunAsync(ct);
            }, nodeConfigs: [nodeConfig], keepLogs: () => keepLogs || report is { Violations.Count: > 0 }, label: "chaos");
        }
        finally
        {
            configDir.Delete(recursive: true);
        }
        var (median, p99) = report!.Counts.WriteTimes();
        Say($"seed {seed}: {report.Violations.Count} violation{(report.Violations.Count == 1 ? "" : "s")} in {report.Seconds:0} s; " +
            $"acknowledged writes took {median:0} ms (median), {p99:0} ms (p99)");
        return report;
    }

    private static string Table(IReadOnlyList<ChaosReport> reports)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{"seed",5}  {"faults",-34}  {"writes ok/failed",16}  {"families ok/killed/cut",22}  {"signalled/lost/cut",18}  {"moves ok/refused",16}  violations");
        foreach (var r in reports)
        {
            var kinds = string.Join(" ", r.Faults.GroupBy(f => f.Fault.Kind).OrderBy(g => g.Key).Select(g => $"{Short(g.Key)}{g.Count()}"));
            var c = r.Counts;
            w.WriteLine($"{r.Seed,5}  {kinds,-34}  {$"{c.WritesAcked}/{c.WritesFailed}",16}  {$"{c.FamiliesFinished}/{c.FamiliesKilled}/{c.FamiliesCut}",22}  " +
                        $"{$"{c.SleepersSignalled}/{c.SleepersLost}/{c.SleepersCut}",18}  {$"{c.Moves}/{c.MovesRefused}",16}  {r.Violations.Count}");
        }
        var all = reports.SelectMany(r => r.Faults).GroupBy(f => f.Fault.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        w.WriteLine($"{reports.Count} seed{(reports.Count > 1 ? "s" : "")}, faults: {string.Join(", ", all)}; " +
                    $"{reports.Sum(r => r.Counts.ChildrenReaped)} child exits checked; {reports.Sum(r => r.Violations.Count)} violations");
        foreach (var r in reports)
            foreach (var v in r.Violations)
                w.WriteLine($"seed {r.Seed}: {v.Invariant}: {v.Detail}");
        return w.ToString();
    }

    private static string Short(FaultKind kind) => kind switch
    {
        FaultKind.Kill => "kill",
        FaultKind.KillAllButOne => "kill-all-but-one",
        FaultKind.Pause => "pause",
        FaultKind.Partition => "partition",
        _ => "restart",
    } + "×";

    private static string Json(IReadOnlyList<ChaosReport> reports) =>
        JsonSerializer.Serialize(new
        {
            command = "chaos",
            seeds = reports.Select(r => new
            {
                seed = r.Seed,
                nodes = r.Nodes,
                seconds = Math.Round(r.Seconds, 1),
                faults = r.Faults.Select(f => new
                {
                    index = f.Fault.Index,
                    at_s = f.Fault.At.TotalSeconds,
                    kind = f.Fault.Kind.ToString(),
                    nodes = f.Fault.Nodes,
                    hold_s = f.Fault.Hold.TotalSeconds,
                    started_at_s = Math.Round(f.StartedAt, 1),
                    outcome = f.Outcome,
                }),
                counts = r.Counts,
                write_ms = new { median = Math.Round(r.Counts.WriteTimes().Median, 2), p99 = Math.Round(r.Counts.WriteTimes().P99, 2) },
                violations = r.Violations.Select(v => new { invariant = v.Invariant, detail = v.Detail }),
            }),
            violations = reports.Sum(r => r.Violations.Count),
        }, new JsonSerializerOptions { WriteIndented = true, IncludeFields = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
}
