// End to end: ssi run on a real pseudo-terminal (keys without Enter, no stray escapes) and on pipes and files.
using System.Text.RegularExpressions;
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class TerminalEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dbdemo_on_a_real_terminal_moves_on_single_keys_without_enter_and_the_cli_prints_no_escape_sequence()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        using var tty = new PtySession(ssi, "run", "--node", "1", "dbdemo", "alphabet", "0.5");

        await tty.AwaitOutputAsync(l => l.Contains("Alfa  (node 1)"), "the first record", Deadline);
        foreach (var node in new[] { 2, 3 })
        {
            var seen = tty.Lines().Count;
            await tty.TypeAsync(node.ToString()); // one key, no Enter
            await tty.AwaitOutputAsync(l => l.Skip(seen - 1).Any(line => line.EndsWith($"(node {node})")), $"a record on node {node} after the key {node}", Deadline);
        }
        await tty.TypeAsync("q");
        var end = await tty.WaitForExitAsync(Deadline);

        var lines = tty.Lines().Where(l => l.Length > 0).ToList();
        Assert.True(end.ExitCode == 0, $"exit {end.ExitCode}\n{string.Join('\n', lines)}");
        Assert.Equal("dbdemo: quit", lines[^1]);
        // Nothing but records: a key echoed by the CLI would show as "2Bravo ...", a terminfo sequence as ESC.
        Assert.DoesNotContain((byte)0x1B, tty.Output);
        Assert.All(lines[..^1], l => Assert.Matches(new Regex(@"^[A-Z][a-z-]+  \(node [123]\)$"), l));
        Assert.Equal([1, 2, 3], lines[..^1].Select(l => l[^2] - '0').Distinct());
        // The CLI gave the terminal back as it found it.
        Assert.True(end.Canonical && end.Echo, $"terminal left with icanon={end.Canonical} echo={end.Echo}");
        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task Run_into_a_pipe_whose_reader_has_gone_exits_141_and_the_program_ends_too()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();
        var piped = await ssi.RunShellAsync("{ ssi run --node 2 yes; echo \"ssi exited $?\" >&2; } | head -n 2");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal("y\ny\n", System.Text.Encoding.UTF8.GetString(piped.Stdout));
        Assert.Contains("ssi exited 141", piped.Stderr);
        await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            return ps.ExitCode == 0 && ps.Json.EnumerateArray().All(p => p.GetProperty("command").GetString() != "yes");
        }, "yes gone from ps");
        (await ssi.RunAsync("stop")).Succeeded();
    }

    private static async Task AwaitAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: did not happen within {Deadline}");
            await Task.Delay(100);
        }
    }
}
