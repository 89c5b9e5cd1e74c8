// End to end: a node frozen past its own down (a long GC pause, a stalled VM) never runs its processes again once continued.
using System.Diagnostics;
using System.Text.Json;
using Ssi.Host.Launcher;
using Ssi.Tests.Harness;
using Xunit.Abstractions;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class PauseEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static Task AwaitAsync(Func<Task<bool>> probe, Func<string> what) => CliPolling.UntilAsync(probe, Deadline, what);

    private static async Task<List<(string Command, int Node)>> SleepsAsync(SsiCli ssi)
    {
        var ps = (await ssi.RunAsync("ps", "--json")).Succeeded();
        return ps.Json.EnumerateArray().Select(p => (p.GetProperty("command").GetString()!, p.GetProperty("node").GetInt32()))
            .Where(p => p.Item1.StartsWith("sleep", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public async Task A_node_frozen_until_it_is_down_exits_when_continued_and_its_processes_end_once_as_killed()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        // A parent on node 1 whose child runs on node 3 (nohup and a file: its client's terminal may be on node 3), and a
        // client attached to a process on node 3.
        ssi.Start("run", "--node", "1", "nohup", "sh", "-c", "onnode 3 sleep 900; echo child status=$? >> /tmp/parent-saw");
        var attached = ssi.Start("run", "--node", "3", "sleep", "901");
        await AwaitAsync(async () => (await SleepsAsync(ssi)).Count(s => s.Node == 3) == 2, () => "two sleeps on node 3");
        var frozen = ssi.LiveNodePids()[3];

        NodeProcess.Signal(frozen, PosixSignalNumber.SIGSTOP);
        var clock = Stopwatch.StartNew();
        try
        {
            await AwaitAsync(async () =>
            {
                var r = await ssi.RunAsync("cluster", "--json", "--node", "1");
                return r.ExitCode == 0 && CliPolling.StateOf(r.Json, 3) == "DOWN";
            }, () => "node 3 DOWN on node 1 while frozen");
            output.WriteLine($"frozen node 3 DOWN on node 1 after {clock.Elapsed.TotalSeconds:0.0} s");
            // Its processes are gone from the table, and the parent heard of its child's death, while node 3 is still frozen.
            await AwaitAsync(async () => (await SleepsAsync(ssi)).Count == 0, () => "the frozen node's processes leaving the table");
            await AwaitAsync(async () => (await ssi.RunAsync("fs", "cat", "/tmp/parent-saw", "--node", "1")).ExitCode == 0, () => "the parent's report");
            Assert.Equal("child status=137\n", (await ssi.RunAsync("fs", "cat", "/tmp/parent-saw", "--node", "1")).Succeeded().Stdout);
        }
        finally
        {
            NodeProcess.Signal(frozen, PosixSignalNumber.SIGCONT);
        }

        // Continued, it finds itself downed and exits instead of running its processes beside the survivors.
        Assert.True(await NodeProcess.WaitForExitAsync(frozen, 3, Deadline),
            $"node 3 still runs {Deadline} after it was continued\n{ssi.NodeLogTails(25)}");
        output.WriteLine($"node 3 exited {clock.Elapsed.TotalSeconds:0.0} s after the freeze");
        Assert.True(await attached.WaitForExitAsync().WaitAsync(Deadline).ContinueWith(t => t.IsCompletedSuccessfully), "the attached client did not exit");
        Assert.Equal(137, attached.ExitCode);
        Assert.Empty(await SleepsAsync(ssi));
        Assert.Equal("child status=137\n", (await ssi.RunAsync("fs", "cat", "/tmp/parent-saw")).Succeeded().Stdout);

        // A new incarnation of node 3 joins with nothing of the old one running.
        (await ssi.RunAsync("add", "3")).Succeeded();
        var cluster = (await ssi.RunAsync("cluster", "--json", "--node", "3")).Succeeded();
        foreach (var n in new[] { 1, 2, 3 }) Assert.Equal("UP", CliPolling.StateOf(cluster.Json, n));
        Assert.Empty(await SleepsAsync(ssi));
        (await ssi.RunAsync("stop")).Succeeded();
        Assert.Empty(ssi.LiveNodePids());
    }

    /// <summary>
    /// Frozen until the winner has released the lease (release-after shortened to 2 s here; 40 s by default), a node
    /// wakes seeing everyone else unreachable and finds the lease free. The cluster removed it, so it is fenced: it must
    /// down itself rather than take the lease and carry on alone beside the survivors.
    /// </summary>
    [Fact]
    public async Task A_node_frozen_until_the_lease_is_released_is_fenced_and_stops_as_it_wakes_instead_of_carrying_on_alone()
    {
        using var ssi = new SsiCli();
        var config = Path.Combine(ssi.Home.Root, "short-release.conf");
        await File.WriteAllTextAsync(config, "akka.cluster.split-brain-resolver.lease-majority.release-after = 2 s\n");
        (await ssi.RunAsync("start", "3", "--config", config)).Succeeded();
        var attached = ssi.Start("run", "--node", "3", "sleep", "901");
        await AwaitAsync(async () => (await SleepsAsync(ssi)).Count(s => s.Node == 3) == 1, () => "the sleep on node 3");
        var frozen = ssi.LiveNodePids()[3];
        using var leases = Ssi.Cfs.Service.CfsSettings.Create(Ssi.Host.Node.NodeHost.ComposeConfig(Akka.Configuration.Config.Empty, []), ssi.Home)
            .OpenLeaseTable(TimeSpan.FromSeconds(5));

        NodeProcess.Signal(frozen, PosixSignalNumber.SIGSTOP);
        try
        {
            await AwaitAsync(async () =>
            {
                var r = await ssi.RunAsync("cluster", "--json", "--node", "1");
                return r.ExitCode == 0 && CliPolling.StateOf(r.Json, 3) == "DOWN";
            }, () => "node 3 DOWN on node 1 while frozen");
            await AwaitAsync(() => Task.FromResult(leases.Current("ssi-akka-sbr") is null), () => "the winner releasing the lease");
        }
        finally
        {
            NodeProcess.Signal(frozen, PosixSignalNumber.SIGCONT);
        }

        var continued = Stopwatch.StartNew();
        Assert.True(await NodeProcess.WaitForExitAsync(frozen, 3, Deadline),
            $"node 3 still runs {Deadline} after it was continued\n{ssi.NodeLogTails(25, "lease")}");
        output.WriteLine($"node 3 exited {continued.Elapsed.TotalSeconds:0.0} s after it was continued");
        Assert.True(await attached.WaitForExitAsync().WaitAsync(Deadline).ContinueWith(t => t.IsCompletedSuccessfully), "the attached client did not exit");
        var cluster = (await ssi.RunAsync("cluster", "--json", "--node", "1")).Succeeded();
        Assert.Equal("UP", CliPolling.StateOf(cluster.Json, 1));
        Assert.Equal("UP", CliPolling.StateOf(cluster.Json, 2));
        // The freeze watch stopped it as it woke, seconds before its resolver would have found the lease refused.
        Assert.Contains("meanwhile; it stops", await File.ReadAllTextAsync(ssi.Home.NodeLogFile(3)));
        (await ssi.RunAsync("stop")).Succeeded();
        Assert.Empty(ssi.LiveNodePids());
    }
}
