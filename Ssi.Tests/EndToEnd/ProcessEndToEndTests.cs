// End to end: programs on chosen nodes through the real CLI and node processes: onnode, ps, where, kill, exit codes.
using System.Diagnostics;
using System.Text.Json;
using Ssi.Tests.Harness;
using Ssi.Actors.Identity;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class ProcessEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Onnode_ps_where_kill_and_exit_codes_work_as_a_shell_user_expects()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();

        var motd = await ssi.RunAsync("onnode", "2", "cat", "/etc/motd");
        Assert.True(motd.ExitCode == 0, motd.ToString());
        Assert.Equal(Ssi.Cfs.RootImage.DefaultRoot.Motd, motd.Stdout);

        var piped = await ssi.RunWithInputAsync("one\ntwo\n", "run", "--node", "3", "cat");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal("one\ntwo\n", piped.Stdout);

        // Exit codes follow the shell: the program's code, 127 unknown, 126 not executable, 128+signal killed.
        Assert.Equal(1, (await ssi.RunAsync("run", "false")).ExitCode);
        var unknown = await ssi.RunAsync("run", "--node", "2", "no-such-program");
        Assert.Equal(127, unknown.ExitCode);
        Assert.Contains("No such file or directory", unknown.Stderr);
        var script = Path.Combine(ssi.Home.Root, "plain.txt");
        await File.WriteAllTextAsync(script, "#!ssi-program true\n");
        (await ssi.RunAsync("fs", "put", script, "/bin/plain")).Succeeded();
        Assert.Equal(126, (await ssi.RunAsync("run", "plain")).ExitCode);
        var down = await ssi.RunAsync("onnode", "9", "true");
        Assert.True(down.ExitCode == 1, down.ToString());
        Assert.Contains("node 9", down.Stderr);
        Assert.Contains("nothing was started", down.Stderr);

        // Two sleepers on nodes 2 and 3: ps lists them with their nodes, where tells the node, kill ends them.
        var onTwo = ssi.Start("onnode", "2", "sleep", "300");
        var onThree = ssi.Start("run", "--node", "3", "sleep", "301");
        var sleepers = await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            if (ps.ExitCode != 0) return null;
            var rows = ps.Json.EnumerateArray().Where(p => p.GetProperty("command").GetString()!.StartsWith("sleep 30")).ToList();
            return rows.Count == 2 ? rows : null;
        });
        var pidOnTwo = Row(sleepers, "sleep 300").GetProperty("pid").GetInt32();
        var pidOnThree = Row(sleepers, "sleep 301").GetProperty("pid").GetInt32();
        Assert.Equal(2, Row(sleepers, "sleep 300").GetProperty("node").GetInt32());
        Assert.Equal(3, Row(sleepers, "sleep 301").GetProperty("node").GetInt32());
        Assert.Equal(new NodeNumber(2), new Pid(pidOnTwo).Origin);

        var table = await ssi.RunAsync("ps");
        Assert.Contains("NODE", table.Stdout);
        Assert.Matches($@"\s{pidOnThree}\s+1\s+{pidOnThree}\s+{pidOnThree}\s+root\s+S\s+3\s", table.Stdout);

        var where = await ssi.RunAsync("where", pidOnThree.ToString());
        Assert.Equal("3\n", where.Stdout);
        var missing = await ssi.RunAsync("where", "99999");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No such process", missing.Stderr);

        (await ssi.RunAsync("kill", "-9", pidOnTwo.ToString())).Succeeded();
        (await ssi.RunAsync("kill", "-s", "TERM", pidOnThree.ToString())).Succeeded();
        await onTwo.WaitForExitAsync().WaitAsync(Deadline);
        await onThree.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(128 + 9, onTwo.ExitCode);
        Assert.Equal(128 + 15, onThree.ExitCode);
        Assert.Contains("Killed", await onTwo.StandardError.ReadToEndAsync());

        var refused = await ssi.RunAsync("kill", "-BOGUS", "1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("invalid signal", refused.Stderr);
        var gone = await ssi.RunAsync("kill", pidOnTwo.ToString());
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("No such process", gone.Stderr);
        var asAnn = await ssi.RunAsync("kill", "-0", "1", "--user", "ann");
        Assert.Equal(1, asAnn.ExitCode);
        Assert.Contains("Operation not permitted", asAnn.Stderr);

        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task A_user_program_forks_to_a_node_that_never_loaded_its_assembly()
    {
        // Real node processes, one load context each: node 3 has run nothing of the assembly when the fork arrives there.
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        await ssi.InstallProgramAsync("t-forkandwait", typeof(global::SpecPrograms.ForkAndWait));
        var run = await ssi.RunAsync("run", "--node", "1", "t-forkandwait", "3", "5");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("child runs on node 3", run.Stdout);
        Assert.Contains("exit code 5, exited True", run.Stdout);
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task An_attached_run_lasts_as_long_as_its_program_on_another_node()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "2")).Succeeded();
        // Longer than Akka's remote-watch pause (10 s): a death watch of the relay once ended every run of over ~15 s
        // with "lost the node that holds the terminal"; the client now pings the terminal device instead.
        var longRun = ssi.Start("run", "--node", "2", "sleep", "20");
        await longRun.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal("", await longRun.StandardError.ReadToEndAsync());
        Assert.Equal(0, longRun.ExitCode);
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task A_scripted_dbdemo_session_moves_on_keys_and_prints_every_record_once_in_order()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        // A record every 2 s: the 26 records must outlast the steps below (each a CLI run) on a loaded 2-core machine.
        var demo = ssi.Start("run", "--node", "1", "dbdemo", "alphabet", "2");
        var lines = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (await demo.StandardOutput.ReadLineAsync() is { } line)
                lock (lines) lines.Add(line);
        });
        List<string> Lines() { lock (lines) return [.. lines]; }
        async Task AwaitLine(Func<string, bool> match, int after, string what)
        {
            try
            {
                await AwaitAsync(() => Task.FromResult(Lines().Skip(after).Any(match) ? "" : null), what);
            }
            catch (TimeoutException e)
            {
                // Say what the client and the nodes saw: a node downed under load and a stuck process look alike here.
                var client = demo.HasExited ? $"exited {demo.ExitCode}: {await demo.StandardError.ReadToEndAsync()}" : "still running";
                throw new TimeoutException($"{e.Message}; output so far:\n{string.Join('\n', Lines())}\nclient {client}\n{ssi.NodeLogTails()}", e);
            }
        }

        await AwaitLine(l => l == "Alfa  (node 1)", 0, "the first record");
        var pid = (await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            return ps.ExitCode == 0 ? ps.Json.EnumerateArray().Select(p => (JsonElement?)p).FirstOrDefault(p => p!.Value.GetProperty("command").GetString()!.StartsWith("dbdemo")) is { } row ? (object)row.GetProperty("pid").GetInt32() : null : null;
        }, "dbdemo in ps"));
        foreach (var node in new[] { 2, 3 })
        {
            var seen = Lines().Count;
            await demo.StandardInput.WriteAsync(node.ToString());
            await demo.StandardInput.FlushAsync();
            await AwaitLine(l => l.EndsWith($"(node {node})"), seen, $"a record on node {node}");
            Assert.Equal($"{node}\n", (await ssi.RunAsync("where", pid.ToString()!)).Stdout);
        }
        var before = Lines().Count;
        await demo.StandardInput.WriteAsync("\n");
        await demo.StandardInput.FlushAsync();
        await AwaitLine(_ => true, before + 3, "records while wandering");
        await demo.StandardInput.WriteAsync("xq");
        await demo.StandardInput.FlushAsync();
        await demo.WaitForExitAsync().WaitAsync(Deadline);
        await reading;
        Assert.Equal(0, demo.ExitCode);
        var all = Lines();
        Assert.Equal("dbdemo: quit", all[^1]);
        var records = all[..^1].Select(l => l[..l.IndexOf("  (node ", StringComparison.Ordinal)]).ToList();
        var alphabet = Ssi.Vproc.Programs.Builtin.Dbdemo.Alphabet.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(alphabet.Take(records.Count), records);
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task Bench_proc_prints_every_metric_with_its_baseline_as_json()
    {
        using var ssi = new SsiCli();
        var bench = await ssi.RunAsync("bench", "proc", "--samples", "3", "--warmup", "0.1", "--burst", "5", "--sleepers", "30", "--json");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        var metrics = bench.Json.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal(7, metrics.Count);
        // Times and rates are positive; the memory growth of 30 processes may drown in the nodes' own noise.
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.GetProperty("median").GetDouble()), m.ToString()));
        Assert.All(metrics.Where(m => !m.GetProperty("name").GetString()!.StartsWith("memory")),
            m => Assert.True(m.GetProperty("median").GetDouble() > 0, m.ToString()));
        var withBaseline = metrics.Where(m => m.GetProperty("baseline_median").ValueKind == JsonValueKind.Number).ToList();
        Assert.Equal(5, withBaseline.Count);
        Assert.All(withBaseline, m => Assert.True(m.GetProperty("baseline_median").GetDouble() > 0 && m.GetProperty("ratio").GetDouble() > 0, m.ToString()));
        Assert.Contains(metrics, m => m.GetProperty("name").GetString()!.StartsWith("memory per idle process (30 on 3 nodes)"));
        // Spawns and signals: the timed samples (after the warm-up), their tail, and the cold first one apart, beside the baseline's.
        foreach (var timed in metrics.Where(m => m.GetProperty("name").GetString()!.StartsWith("spawn+exit+wait") || m.GetProperty("name").GetString()!.StartsWith("signal")))
        {
            Assert.Equal(3, timed.GetProperty("samples").GetArrayLength());
            Assert.True(timed.GetProperty("p99").GetDouble() >= timed.GetProperty("median").GetDouble()
                && timed.GetProperty("baseline_p99").GetDouble() >= timed.GetProperty("baseline_median").GetDouble()
                && timed.GetProperty("first").GetDouble() > 0 && timed.GetProperty("baseline_first").GetDouble() > 0, timed.ToString());
        }
    }

    [Fact]
    public async Task Bench_boot_under_load_reports_false_downs_and_kill_to_down_with_p99_over_every_kill()
    {
        using var ssi = new SsiCli();
        var refused = await ssi.RunAsync("bench", "boot", "--kills", "0");
        Assert.True(refused.ExitCode == 2 && refused.Stderr.Contains("--kills must be between 1 and 100"), refused.ToString());

        var bench = await ssi.RunLongAsync(TimeSpan.FromMinutes(6), "bench", "boot", "--sizes", "3", "--runs", "1", "--kills", "2",
            "--burners-per-cpu", "1", "--workload", "--watch-seconds", "5", "--json");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        var metrics = bench.Json.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        // Each kill is a sample of its own (node 3 is started again in between), idle and busy.
        foreach (var name in new[] { "rm 3 -> DOWN on every survivor (idle)", "rm 3 -> DOWN on every survivor (busy)" })
        {
            var kill = metrics[name];
            Assert.True(kill.GetProperty("samples").GetArrayLength() == 2, kill.ToString());
            Assert.True(kill.GetProperty("p99").GetDouble() >= kill.GetProperty("median").GetDouble() && kill.GetProperty("min").GetDouble() > 0, kill.ToString());
        }
        // Counted once per run, not asserted: the goal of 0 false downs is the benchmark's to report.
        foreach (var name in new[] { "false downs in 5 s (busy)", "false unreachable events in 5 s (busy)", "false unreachable+down events in 5 s (busy)" })
            Assert.True(metrics[name].GetProperty("samples").GetArrayLength() == 1, metrics[name].ToString());
        Assert.True(metrics["workload operations while busy"].GetProperty("median").GetDouble() > 0, metrics["workload operations while busy"].ToString());
    }

    [Fact]
    public async Task Bench_pipe_prints_throughput_latency_and_memory_each_with_its_baseline_as_json()
    {
        using var ssi = new SsiCli();
        var bench = await ssi.RunAsync("bench", "pipe", "--megabytes", "1", "--rounds", "2", "--samples", "20", "--warmup", "0", "--idle", "50", "--json");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Equal("pipe", bench.Json.GetProperty("benchmark").GetString());
        var metrics = bench.Json.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal(10, metrics.Count);
        // Rates and times are positive; the memory growth of 50 pipes may drown in the node's own noise.
        Assert.All(metrics.Where(m => !m.GetProperty("name").GetString()!.StartsWith("memory")),
            m => Assert.True(m.GetProperty("median").GetDouble() > 0, m.ToString()));
        var withBaseline = metrics.Where(m => m.GetProperty("baseline_median").ValueKind == JsonValueKind.Number).ToList();
        Assert.Equal(9, withBaseline.Count);
        Assert.All(withBaseline, m => Assert.True(m.GetProperty("ratio").GetDouble() > 0, m.ToString()));
        Assert.Contains(metrics, m => m.GetProperty("baseline").GetString() == "Akka.Remote stream, 64 KiB chunks");
        Assert.Contains(metrics, m => m.GetProperty("name").GetString()!.StartsWith("memory per idle open pipe (50 on node 1"));
    }

    [Fact]
    public async Task Bench_migrate_counts_nothing_lost_and_load_leveling_spreads_burners_started_on_node_1()
    {
        using var ssi = new SsiCli();
        var refused = await ssi.RunAsync("bench", "migrate", "--warmup", "601");
        Assert.True(refused.ExitCode == 2 && refused.Stderr.Contains("--warmup must be between 0 and 600"), refused.ToString());

        var bench = await ssi.RunAsync("bench", "migrate", "--samples", "3", "--warmup", "0.1", "--hops", "20", "--burners", "3", "--json");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        var json = bench.Json;
        Assert.True(json.GetProperty("move_ms").GetProperty("p50").GetDouble() > 0, json.ToString());
        // An odd count of samples is reported as asked (the extra move that brings the process back is not).
        foreach (var timed in new[] { "move_ms", "round_trip_ms", "computing_move_ms" })
            Assert.Equal(3, json.GetProperty(timed).GetProperty("samples").GetInt32());
        Assert.True(json.GetProperty("computing_move_ms").GetProperty("p50").GetDouble() > 0, json.ToString());
        // The cold first operations are reported apart from the warm samples, which follow untimed work of each kind.
        foreach (var cold in new[] { "first_move_ms", "first_round_trip_ms", "computing_first_move_ms", "ratio_p99", "computing_ratio_p50" })
            Assert.True(json.GetProperty(cold).GetDouble() > 0, $"{cold}: {json}");
        Assert.Equal(0.1, json.GetProperty("warmup_seconds").GetDouble());
        Assert.True(json.GetProperty("warmup_round_trips").GetInt32() >= 200 && json.GetProperty("warmup_moves").GetInt32() >= 100
            && json.GetProperty("warmup_computing_moves").GetInt32() >= 100, json.ToString());
        // Each step of a move is stamped where it happens, on either node, with the clock both share.
        var steps = json.GetProperty("steps_p50_ms");
        Assert.Equal(["to_process", "to_boundary", "capture", "to_target", "restore", "confirm", "reply"], steps.EnumerateObject().Select(p => p.Name));
        foreach (var step in steps.EnumerateObject())
            foreach (var kind in new[] { "waiting", "computing" })
                Assert.True(step.Value.GetProperty(kind).GetDouble() >= 0, $"{step.Name} {kind}: {json}");
        foreach (var crossing in new[] { "to_target", "confirm" })
            Assert.True(steps.GetProperty(crossing).GetProperty("waiting").GetDouble() > 0, json.ToString());
        var hops = json.GetProperty("hops");
        Assert.Equal(20, hops.GetProperty("count").GetInt32());
        Assert.Equal(0, hops.GetProperty("failures").GetInt32());
        var signals = json.GetProperty("signals");
        Assert.True(signals.GetProperty("sent").GetInt32() > 0, json.ToString());
        foreach (var bad in new[] { "lost", "duplicated", "reordered" }) Assert.Equal(0, signals.GetProperty(bad).GetInt32());
        var leveling = json.GetProperty("leveling");
        Assert.Equal([1, 1, 1], leveling.GetProperty("per_node").EnumerateArray().Select(n => n.GetInt32()));
        Assert.Equal(2, leveling.GetProperty("moves").GetInt32());
    }

    [Fact]
    public async Task Clients_attached_to_processes_on_a_node_that_is_killed_exit_as_killed()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        // Each client talks to a node picked at random: its terminal is on node 2 with its process, or on a survivor.
        var clients = Enumerable.Range(0, 4).Select(i => ssi.Start("run", "--node", "2", "sleep", $"{900 + i}")).ToList();
        await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            if (ps.ExitCode != 0) return null;
            var onTwo = ps.Json.EnumerateArray().Count(p => p.GetProperty("command").GetString()!.StartsWith("sleep 90") && p.GetProperty("node").GetInt32() == 2);
            return onTwo == 4 ? "" : null;
        }, "four sleeps on node 2");

        (await ssi.RunAsync("rm", "2")).Succeeded();
        foreach (var (client, i) in clients.Select((c, i) => (c, i)))
        {
            if (!await ExitsInTimeAsync(client))
            {
                client.Kill(entireProcessTree: true);
                Assert.Fail($"client {i} (sleep {900 + i}) did not exit in {Deadline.TotalSeconds} s; its stderr:\n"
                    + $"{await client.StandardError.ReadToEndAsync()}\nnode logs:\n{ssi.NodeLogTails(40, alsoContaining: "process ")}");
            }
            var stderr = await client.StandardError.ReadToEndAsync();
            Assert.True(client.ExitCode == 137, $"exit {client.ExitCode}: {stderr}");
            Assert.Matches(@"^ssi: sleep: Killed \(.*left the cluster\)\n$", stderr);
        }
        // The survivors serve on.
        Assert.Equal(0, (await ssi.RunAsync("run", "--node", "3", "true")).ExitCode);
        (await ssi.RunAsync("stop")).Succeeded();
    }

    private static async Task<bool> ExitsInTimeAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(Deadline);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static JsonElement Row(List<JsonElement> rows, string command) => rows.Single(r => r.GetProperty("command").GetString() == command);

    private static async Task<T> AwaitAsync<T>(Func<Task<T?>> probe, string what = "the condition") where T : class
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what} did not happen in time");
            await Task.Delay(100);
        }
    }
}
