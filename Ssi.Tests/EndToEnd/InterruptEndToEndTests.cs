// End to end: a command that starts its own nodes leaves none behind when it is interrupted.
using System.Diagnostics;
using Ssi.Host.Launcher;
using Ssi.Actors.Configuration;
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class InterruptEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_benchmark_stopped_with_SIGTERM_stops_every_node_it_started()
    {
        using var ssi = new SsiCli();
        // The benchmark's cluster lives in a home under the temporary directory: give it one of this test's own.
        var tmp = Directory.CreateDirectory(Path.Combine(ssi.Home.Root, "tmp")).FullName;
        var bench = ssi.Start(new Dictionary<string, string> { ["TMPDIR"] = tmp }, "bench", "proc", "--samples", "100000", "--json");
        var stderr = new System.Text.StringBuilder();
        var reading = Task.Run(async () =>
        {
            while (await bench.StandardError.ReadLineAsync() is { } line)
                lock (stderr) stderr.AppendLine(line);
        });
        string Said() { lock (stderr) return stderr.ToString(); }
        // Its progress goes to stderr with --json: the first line comes once its cluster is up and measuring.
        var clock = Stopwatch.StartNew();
        while (!Said().Contains("spawn+exit+wait"))
        {
            if (bench.HasExited) Assert.Fail($"the benchmark ended first: {Said()}");
            if (clock.Elapsed > Deadline) throw new TimeoutException($"the benchmark did not start measuring in time: {Said()}");
            await Task.Delay(100);
        }
        var nodes = NodesUnder(tmp);
        Assert.Equal(3, nodes.Count);

        NodeProcess.Signal(bench.Id, PosixSignalNumber.SIGTERM);
        await bench.WaitForExitAsync().WaitAsync(Deadline);
        await reading.WaitAsync(Deadline);
        Assert.NotEqual(0, bench.ExitCode);
        Assert.Contains("interrupted", Said());
        Assert.All(nodes, n => Assert.False(NodeProcess.IsNodeProcess(n.Pid, n.Node), $"node {n.Node} (pid {n.Pid}) still runs"));
        Assert.Empty(NodesUnder(tmp));
    }

    /// <summary>Live node processes of the benchmark homes under <paramref name="dir"/> (found by their pid files).</summary>
    private static List<(int Node, int Pid)> NodesUnder(string dir) =>
        [.. Directory.EnumerateDirectories(dir, "ssi-bench-*")
            .SelectMany(home => Enumerable.Range(1, 3).Select(n => (Node: n, Pid: NodeProcess.LivePid(new SsiHome(home), n))))
            .Where(p => p.Pid is not null).Select(p => (p.Node, p.Pid!.Value))];
}
