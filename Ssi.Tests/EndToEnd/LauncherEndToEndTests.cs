// End to end: the real CLI boots, crashes, re-adds and stops real node processes, and refuses bad input with one line.
using System.Diagnostics;
using System.Text.Json;
using Ssi.Actors.Configuration;
using Ssi.Host.Client;
using Ssi.Host.Launcher;
using Ssi.Tests.Harness;
using Xunit.Abstractions;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public class LauncherEndToEndTests(ITestOutputHelper output)
{
    private static async Task<double> AwaitStateAsync(SsiCli ssi, int observer, int node, string state, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var r = await ssi.RunAsync("cluster", "--json", "--node", observer.ToString());
            if (r.ExitCode == 0 && CliPolling.StateOf(r.Json, node) == state) return clock.Elapsed.TotalSeconds;
            Assert.True(clock.Elapsed < timeout, $"node {observer} did not show node {node} {state} within {timeout}; last: {r}\n{ssi.NodeLogTails(25, "lease")}");
            await Task.Delay(200); // each CLI run costs a CPU-second; leave the nodes room to breathe between polls
        }
    }

    [Fact]
    public async Task Start_rm_add_stop_lifecycle_with_real_processes()
    {
        using var ssi = new SsiCli();

        var start = await ssi.RunAsync("start");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("UP", start.Stdout);
        Assert.Equal([1, 2, 3], ssi.LiveNodePids().Keys.Order());
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(ssi.Home.SecretFile));
        foreach (var key in new[] { "ca.pfx", "member.pfx" })
            Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(ssi.Home.TlsDir, key)));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(CredentialFile.RootFile(ssi.Home)));

        var again = await ssi.RunAsync("start");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already running", again.Stderr);
        Assert.Single(again.Stderr.Trim().Split('\n'));

        var cluster = await ssi.RunAsync("cluster", "--json");
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
        foreach (var n in new[] { 1, 2, 3 }) Assert.Equal("UP", CliPolling.StateOf(cluster.Json, n));
        var table = await ssi.RunAsync("cluster");
        Assert.Matches(@"(?m)^3\s+akka\.ssl\.tcp://ssi@127\.0\.0\.1:\d+\s+UP\s+yes", table.Stdout);

        // Crash node 3: every survivor finds out by itself.
        var pid3 = ssi.LiveNodePids()[3];
        var rm = await ssi.RunAsync("rm", "3");
        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.False(NodeProcess.IsNodeProcess(pid3, 3));
        var seen1 = await AwaitStateAsync(ssi, 1, 3, "DOWN", TimeSpan.FromSeconds(20));
        var seen2 = await AwaitStateAsync(ssi, 2, 3, "DOWN", TimeSpan.FromSeconds(20));
        output.WriteLine($"node 3 DOWN on node 1 after {seen1:0.0} s, on node 2 after {seen1 + seen2:0.0} s (including CLI start-up)");

        var rmAgain = await ssi.RunAsync("rm", "3");
        Assert.Equal(1, rmAgain.ExitCode);
        Assert.Equal("ssi: rm: node 3 is not up (ESRCH)", rmAgain.Stderr.Trim());

        var add = await ssi.RunAsync("add", "3");
        Assert.True(add.ExitCode == 0, add.ToString());
        await AwaitStateAsync(ssi, 1, 3, "UP", TimeSpan.FromSeconds(20));
        await AwaitStateAsync(ssi, 3, 1, "UP", TimeSpan.FromSeconds(20));

        var addUp = await ssi.RunAsync("add", "3");
        Assert.Equal(0, addUp.ExitCode);
        Assert.Contains("node 3 is already up; skipped", addUp.Stdout);

        // Lose node 1 (the first seed and a contact): the CLI carries on through the others.
        (await ssi.RunAsync("rm", "1")).Succeeded();
        await AwaitStateAsync(ssi, 2, 1, "DOWN", TimeSpan.FromSeconds(20));
        var after = await ssi.RunAsync("cluster", "--json");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal("DOWN", CliPolling.StateOf(after.Json, 1));
        Assert.Equal("UP", CliPolling.StateOf(after.Json, 3));

        var stop = await ssi.RunAsync("stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Empty(ssi.LiveNodePids());
        // Node 3 stopped first and left in order: node 2 saw it go down through GOINGDOWN, not by failure detection.
        Assert.Contains("node 3 UP -> GOINGDOWN", await File.ReadAllTextAsync(ssi.Home.NodeLogFile(2)));
        Assert.DoesNotContain(Process.GetProcesses(), p => IsNodeOf(p, ssi.Home));

        var none = await ssi.RunAsync("cluster");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no cluster is running", none.Stderr);
    }

    [Fact]
    public async Task A_client_whose_credential_this_cluster_did_not_sign_is_refused_with_one_line()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        var file = CredentialFile.RootFile(ssi.Home);
        var original = CredentialFile.Load(file);
        (original with { Mac = Convert.ToBase64String(new byte[32]) }).Save(file);

        var refused = await ssi.RunAsync("cluster");

        Assert.Equal(77, refused.ExitCode);
        Assert.Equal("ssi: cluster: access denied: the client's credential was not issued by this cluster (EACCES)", refused.Stderr.Trim());
        Assert.Empty(refused.Stdout);
        original.Save(file);
        (await ssi.RunAsync("cluster")).Succeeded();
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, 2, "ssi: frobnicate: unknown command")]
    [InlineData(new[] { "start", "16" }, 2, "out of range (1..15)")]
    [InlineData(new[] { "start", "0" }, 2, "out of range (1..15)")]
    [InlineData(new[] { "start", "--bogus" }, 2, "--bogus")]
    [InlineData(new[] { "add", "99" }, 2, "out of range (1..15)")]
    [InlineData(new[] { "rm", "x" }, 2, "'x'")]
    [InlineData(new[] { "cluster", "--node", "x" }, 2, "ssi: cluster: node 'x' is not a number (1..2146)")]
    [InlineData(new[] { "cluster", "--node", "0" }, 2, "ssi: cluster: node 0 is out of range (1..2146)")]
    [InlineData(new[] { "run", "--node", "0", "true" }, 2, "ssi: run: node 0 is out of range")]
    [InlineData(new[] { "onnode", "0", "true" }, 2, "ssi: onnode: node 0 is out of range")]
    [InlineData(new[] { "loadlevel", "--bogus" }, 2, "ssi: loadlevel: argument '--bogus' not recognized. Must be one of: 'on' 'off'")]
    [InlineData(new[] { "fs", "ls", "/", "--bogus" }, 2, "ssi: fs ls: unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "rm", "2" }, 1, "node 2 is not up (ESRCH)")]
    [InlineData(new[] { "add", "2" }, 1, "no cluster is running")]
    [InlineData(new[] { "cluster" }, 1, "no cluster is running")]
    [InlineData(new[] { "stop" }, 1, "no cluster is running")]
    public async Task Bad_input_gets_one_line_and_a_nonzero_exit_and_changes_nothing(string[] args, int exit, string message)
    {
        using var ssi = new SsiCli();

        var r = await ssi.RunAsync(args);

        Assert.Equal(exit, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Matches(@"^ssi: [a-z ]+: .*\(E[A-Z]+\)$", r.Stderr.Trim());
        Assert.Empty(ssi.LiveNodePids());
    }

    [Fact]
    public async Task The_repo_script_builds_and_runs_the_cli()
    {
        using var ssi = new SsiCli();

        var help = await ssi.RunScriptAsync("--help");

        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var verb in new[] { "start", "add", "rm", "stop", "cluster", "node", "bench" })
            Assert.Matches($@"(?m)^\s+{verb}\b", help.Stdout);
    }

    private static bool IsNodeOf(Process p, SsiHome home)
    {
        try
        {
            return File.ReadAllText($"/proc/{p.Id}/environ").Contains($"{SsiHome.EnvironmentVariable}={home.Root}\0");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
