// The cluster's shell used as a person uses it: ssi sh on a real pseudo-terminal, with jobs across nodes and Ctrl-Z, fg and Ctrl-C.
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class ShellEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Interactive_shell_runs_jobs_and_ctrl_z_stops_a_pipeline_on_two_nodes_that_fg_resumes_and_ctrl_c_ends()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        using var tty = PtySession.Ssi(ssi, "sh", "--node", "1");
        await tty.AwaitOutputAsync(l => l.Count > 0 && l[^1].EndsWith("$ "), "the first prompt", Deadline);

        await tty.TypeAsync("sleep 100 | cat &\n");
        await tty.AwaitOutputAsync(l => l.Any(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\[1\] \d+$")), "the job's number and PID", Deadline);
        await tty.TypeAsync("jobs\n");
        await tty.AwaitOutputAsync(l => l.Any(line => line.Contains("Running") && line.Contains("sleep 100 | cat")), "jobs listing the pipeline", Deadline);

        await tty.TypeAsync("onnode 2 yes | onnode 3 wc -l\n");
        await AwaitStatesAsync(ssi, ["yes", "wc"], "S", "R");
        await tty.TypeAsync("\u001a"); // Ctrl-Z
        await tty.AwaitOutputAsync(l => l.Any(line => line.Contains("Stopped")), "the stopped job's report", Deadline);
        var stopped = await AwaitStatesAsync(ssi, ["yes", "wc"], "T");
        Assert.Equal([2, 3], stopped.Select(p => p.Node).Order());

        await tty.TypeAsync("fg\n");
        await AwaitStatesAsync(ssi, ["yes", "wc"], "S", "R");
        await tty.TypeAsync("\u0003"); // Ctrl-C
        await tty.TypeAsync("echo status=$?\n");
        await tty.AwaitOutputAsync(l => l.Any(line => line.EndsWith("status=130")), "status 130 after Ctrl-C", Deadline);

        await tty.TypeAsync("kill %1; exit\n");
        var end = await tty.WaitForExitAsync(Deadline);
        Assert.True(end.ExitCode == 0, $"exit {end.ExitCode}\n{string.Join('\n', tty.Lines())}");
        Assert.True(end.Canonical && end.Echo, $"terminal left with icanon={end.Canonical} echo={end.Echo}");
        // Nothing of the session is left: no shell, no job.
        List<Listed> left = [];
        await CliPolling.UntilAsync(async () => (left = await ListAsync(ssi)).All(p => p.Command == "init"), Deadline,
            () => "every process of the session gone (left: " + string.Join("; ", left.Select(p => $"{p.Pid} on {p.Node} {p.State} {p.Command}")) + ")", 250);
        (await ssi.RunAsync("stop")).Succeeded();
    }

    private sealed record Listed(int Pid, int Node, string State, string Command);

    private static async Task<List<Listed>> ListAsync(SsiCli ssi)
    {
        var json = (await ssi.RunAsync("ps", "--json")).Succeeded().Json;
        return [.. json.EnumerateArray().Select(p => new Listed(p.GetProperty("pid").GetInt32(), p.GetProperty("node").GetInt32(),
            p.GetProperty("state").GetString()!, p.GetProperty("command").GetString()!))];
    }

    /// <summary>Waits until a process of each of <paramref name="programs"/> is in one of <paramref name="states"/>; returns them.</summary>
    private static async Task<List<Listed>> AwaitStatesAsync(SsiCli ssi, string[] programs, params string[] states)
    {
        List<Listed> found = [];
        await AwaitAsync(async () =>
        {
            var all = await ListAsync(ssi);
            found = [.. programs.SelectMany(program => all.Where(p => p.Command.Split(' ')[0] == program && states.Contains(p.State[..1])).Take(1))];
            return found.Count == programs.Length;
        }, $"{string.Join(", ", programs)} in state {string.Join('/', states)}");
        return found;
    }

    private static Task AwaitAsync(Func<Task<bool>> condition, string what) => CliPolling.UntilAsync(condition, Deadline, () => what, 250);
}
