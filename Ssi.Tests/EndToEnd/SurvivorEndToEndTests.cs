// End to end: with the downing lease in the store, one node left of three keeps serving, and `ssi add` brings the others back.
using System.Diagnostics;
using System.Text.Json;
using Ssi.Tests.Harness;
using Xunit.Abstractions;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class SurvivorEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static Task AwaitAsync(Func<Task<bool>> probe, string what) => CliPolling.UntilAsync(probe, Deadline, () => what);

    /// <summary>The PID of the one process running <paramref name="command"/> on <paramref name="node"/>, or null.</summary>
    private static async Task<int?> PidOn(SsiCli ssi, int node, string command)
    {
        var ps = await ssi.RunAsync("ps", "--json");
        if (ps.ExitCode != 0) return null;
        var rows = ps.Json.EnumerateArray().Where(p => p.GetProperty("command").GetString() == command && p.GetProperty("node").GetInt32() == node).ToList();
        return rows.Count == 1 ? rows[0].GetProperty("pid").GetInt32() : null;
    }

    [Fact]
    public async Task Rm_2_3_leaves_node_1_serving_its_process_and_file_and_add_2_3_restores_three_nodes()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        // A process on node 1 writes a file and stays; nohup, so it outlives a terminal it might lose with a node.
        ssi.Start("run", "--node", "1", "nohup", "sh", "-c", "echo written on node 1 > /tmp/survivor; exec sleep 600");
        await AwaitAsync(async () => await PidOn(ssi, 1, "sleep 600") is not null, "the process on node 1");
        var pid = await PidOn(ssi, 1, "sleep 600");
        Assert.Equal("written on node 1\n", (await ssi.RunAsync("fs", "cat", "/tmp/survivor", "--node", "1")).Succeeded().Stdout);

        var clock = Stopwatch.StartNew();
        (await ssi.RunAsync("rm", "2", "3")).Succeeded();

        await AwaitAsync(async () =>
        {
            var r = await ssi.RunAsync("cluster", "--json", "--node", "1");
            return r.ExitCode == 0 && CliPolling.StateOf(r.Json, 2) == "DOWN" && CliPolling.StateOf(r.Json, 3) == "DOWN";
        }, "nodes 2 and 3 DOWN on node 1");
        output.WriteLine($"nodes 2 and 3 DOWN on node 1 {clock.Elapsed.TotalSeconds:0.0} s after rm (including CLI start-up)");
        var cluster = (await ssi.RunAsync("cluster", "--json")).Succeeded();
        Assert.Equal("UP", CliPolling.StateOf(cluster.Json, 1));
        Assert.Equal("written on node 1\n", (await ssi.RunAsync("fs", "cat", "/tmp/survivor", "--node", "1")).Succeeded().Stdout);
        Assert.Equal(pid, await PidOn(ssi, 1, "sleep 600"));
        (await ssi.RunAsync("run", "--node", "1", "sh", "-c", "echo appended after the crash >> /tmp/survivor")).Succeeded();
        Assert.Equal("written on node 1\nappended after the crash\n", (await ssi.RunAsync("fs", "cat", "/tmp/survivor")).Succeeded().Stdout);
        output.WriteLine($"node 1 served a read, ps and a new process {clock.Elapsed.TotalSeconds:0.0} s after rm");
        Assert.Equal([1], ssi.LiveNodePids().Keys);

        (await ssi.RunAsync("add", "2", "3")).Succeeded();

        var restored = (await ssi.RunAsync("cluster", "--json", "--node", "3")).Succeeded();
        foreach (var n in new[] { 1, 2, 3 }) Assert.Equal("UP", CliPolling.StateOf(restored.Json, n));
        Assert.Equal("written on node 1\nappended after the crash\n", (await ssi.RunAsync("fs", "cat", "/tmp/survivor", "--node", "3")).Succeeded().Stdout);
        Assert.Equal(pid, await PidOn(ssi, 1, "sleep 600"));
        (await ssi.RunAsync("stop")).Succeeded();
        Assert.Empty(ssi.LiveNodePids());
    }

    [Fact]
    public async Task Rm_1_2_leaves_node_3_serving_and_add_1_2_joins_through_it()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        (await ssi.RunAsync("run", "--node", "3", "sh", "-c", "echo written on node 3 > /tmp/survivor")).Succeeded();

        (await ssi.RunAsync("rm", "1", "2")).Succeeded();

        await AwaitAsync(async () =>
        {
            var r = await ssi.RunAsync("cluster", "--json");
            return r.ExitCode == 0 && CliPolling.StateOf(r.Json, 1) == "DOWN" && CliPolling.StateOf(r.Json, 2) == "DOWN" && CliPolling.StateOf(r.Json, 3) == "UP";
        }, "nodes 1 and 2 DOWN on node 3");
        Assert.Equal("written on node 3\n", (await ssi.RunAsync("fs", "cat", "/tmp/survivor")).Succeeded().Stdout);

        (await ssi.RunAsync("add", "1", "2")).Succeeded();

        var restored = (await ssi.RunAsync("cluster", "--json", "--node", "1")).Succeeded();
        foreach (var n in new[] { 1, 2, 3 }) Assert.Equal("UP", CliPolling.StateOf(restored.Json, n));
        // The returning nodes joined through the survivor: node 3 is their only seed.
        var survivor = Ssi.Host.Launcher.ClusterRunFile.Read(ssi.Home)!.HostPort(3);
        Assert.Contains($"seed-nodes = [\"{survivor}\"]", await File.ReadAllTextAsync(ssi.Home.NodeConfigFile(1)));
        Assert.Equal("written on node 3\n", (await ssi.RunAsync("fs", "cat", "/tmp/survivor", "--node", "1")).Succeeded().Stdout);
        (await ssi.RunAsync("stop")).Succeeded();
        Assert.Empty(ssi.LiveNodePids());
    }
}
