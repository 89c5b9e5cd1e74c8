// End to end over "hosts": real node processes, each in its own network namespace, started by hand with `ssi node` as
// docs/operations.md says, and a partition made by dropping packets between the namespaces.
using System.Diagnostics;
using System.Text.Json;
using Ssi.Tests.Harness;
using Xunit.Abstractions;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class HostsEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static async Task AwaitAsync(Func<Task<bool>> probe, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe()) return;
            Assert.True(clock.Elapsed < Deadline, $"{what()} did not happen within {Deadline}");
            await Task.Delay(500); // each CLI run costs a CPU-second
        }
    }

    private static Dictionary<int, string> States(JsonElement cluster) =>
        cluster.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetInt32(), n => n.GetProperty("state").GetString()!);

    [Fact]
    public async Task Three_hosts_cut_1_from_2_and_3_the_minority_exits_the_majority_keeps_processes_and_files_and_node_1_rejoins_anew()
    {
        using var ssi = new SsiCli();
        // `ssi start` makes the secret, the CA, the member certificate and the root image; the hosts share this home's
        // files (their file system is one), and so its SQLite store, which arbitrates the downing lease.
        (await ssi.RunAsync("start", "1")).Succeeded();
        (await ssi.RunAsync("stop")).Succeeded();
        using var hosts = new NetnsHosts(3);
        for (var n = 1; n <= 3; n++)
            File.WriteAllText(Path.Combine(ssi.Home.Root, $"host-{n}.conf"), $$"""
                ssi.cluster {
                  hostname = "{{hosts.Address(n)}}"
                  base-port = 7100
                  client-base-port = 7200
                  seed-nodes = ["{{hosts.Address(1)}}:7101", "{{hosts.Address(2)}}:7102"]
                }
                """);
        Process StartNode(int n, string log) => ssi.StartLogged(Path.Combine(ssi.Home.Root, log), new Dictionary<string, string>(), hosts.Exec(n,
            SsiCli.Command("node", "--node", $"{n}", "--config", Path.Combine(ssi.Home.Root, $"host-{n}.conf"), "--config", "HOCON/multi-host.conf")));
        var nodes = Enumerable.Range(1, 3).ToDictionary(n => n, n => StartNode(n, $"host-{n}.log"));
        var credential = Path.Combine(ssi.Home.Root, "hosts-root.cred");
        (await ssi.RunAsync(["user", "add", "root", "--out", credential,
            .. Enumerable.Range(1, 3).SelectMany(n => new[] { "--contact", $"{hosts.Address(n)}:{7200 + n}" })])).Succeeded();
        // The attached clients contact only nodes 2 and 3: a client whose gateway (and so its terminal) was on node 1
        // would lose its process with node 1 (SIGHUP), whichever node the process ran on.
        var majority = Path.Combine(ssi.Home.Root, "hosts-majority.cred");
        (await ssi.RunAsync(["user", "add", "root", "--out", majority,
            .. Enumerable.Range(2, 2).SelectMany(n => new[] { "--contact", $"{hosts.Address(n)}:{7200 + n}" })])).Succeeded();
        var env = new Dictionary<string, string> { ["SSI_CREDENTIAL"] = credential };
        var onMajority = new Dictionary<string, string> { ["SSI_CREDENTIAL"] = majority };
        Task<CliResult> Ssi(params string[] args) => ssi.RunWithEnvironmentAsync(env, args);
        string Logs() => string.Join('\n', Directory.GetFiles(ssi.Home.Root, "host-*.log").Select(f => $"--- {Path.GetFileName(f)}\n" +
            string.Join('\n', File.ReadLines(f).Where(l => l.Contains("WARN") || l.Contains("ERR") || l.Contains("ssi:")).TakeLast(15))));

        var last = "";
        await AwaitAsync(async () =>
        {
            var r = await Ssi("cluster", "--json");
            last = r.ToString();
            return r.ExitCode == 0 && States(r.Json) is var s && s.Count == 3 && s.Values.All(v => v == "UP");
        }, () => $"three hosts UP ({last}; {Logs()})");
        (await Ssi("run", "--node", "1", "sh", "-c", "echo acknowledged > /tmp/written-on-1")).Succeeded();
        var kept = ssi.Start(onMajority, "run", "--node", "2", "sleep", "900");
        var lost = ssi.Start(onMajority, "run", "--node", "1", "sleep", "901");
        List<(string Command, int Node, int Pid)> sleeps = [];
        await AwaitAsync(async () =>
        {
            var ps = await Ssi("ps", "--json");
            sleeps = ps.ExitCode != 0 ? [] : ps.Json.EnumerateArray()
                .Select(p => (p.GetProperty("command").GetString()!, p.GetProperty("node").GetInt32(), p.GetProperty("pid").GetInt32()))
                .Where(p => p.Item1.StartsWith("sleep", StringComparison.Ordinal)).ToList();
            return sleeps.Count == 2;
        }, () => "the two sleeps");
        var keptPid = sleeps.Single(s => s.Node == 2).Pid;
        var clock = Stopwatch.StartNew();

        hosts.Cut([1], [2, 3]);

        await nodes[1].WaitForExitAsync().WaitAsync(Deadline);
        output.WriteLine($"node 1 exited {clock.Elapsed.TotalSeconds:0.0} s after the cut, status {nodes[1].ExitCode}");
        Assert.Equal(75, nodes[1].ExitCode); // downed: a temporary failure, which it says in its last line
        Assert.Contains("ssi: node 1: stopped because the cluster downed it", File.ReadAllText(Path.Combine(ssi.Home.Root, "host-1.log")));
        Assert.False(nodes[2].HasExited || nodes[3].HasExited, Logs());
        await AwaitAsync(async () =>
        {
            var r = await Ssi("cluster", "--json");
            return r.ExitCode == 0 && States(r.Json) is var s && s.GetValueOrDefault(2) == "UP" && s.GetValueOrDefault(3) == "UP" && s.GetValueOrDefault(1) != "UP";
        }, () => "nodes 2 and 3 serving without node 1");
        var ps = (await Ssi("ps", "--json")).Succeeded();
        var left = ps.Json.EnumerateArray().Select(p => (Command: p.GetProperty("command").GetString()!, Pid: p.GetProperty("pid").GetInt32()))
            .Where(p => p.Command.StartsWith("sleep", StringComparison.Ordinal)).ToList();
        Assert.Equal([keptPid], left.Select(p => p.Pid));
        Assert.Equal("acknowledged\n", (await Ssi("fs", "cat", "/tmp/written-on-1")).Succeeded().Stdout);
        await lost.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(137, lost.ExitCode); // its client heard the process was killed with its node
        Assert.False(kept.HasExited, $"the client of the process on node 2 ended: {(kept.HasExited ? kept.ExitCode : 0)}");

        hosts.Mend([1], [2, 3]);
        nodes[1] = StartNode(1, "host-1-again.log");

        await AwaitAsync(async () =>
        {
            var r = await Ssi("cluster", "--json");
            last = r.ToString();
            return r.ExitCode == 0 && States(r.Json) is var s && s.Count == 3 && s.Values.All(v => v == "UP");
        }, () => $"node 1 back as a new incarnation ({last}; {Logs()})");
        output.WriteLine($"node 1 UP again {clock.Elapsed.TotalSeconds:0.0} s after the cut");
        Assert.Equal("acknowledged\n", (await Ssi("run", "--node", "1", "cat", "/tmp/written-on-1")).Succeeded().Stdout);
        Assert.False(kept.HasExited);
    }
}
