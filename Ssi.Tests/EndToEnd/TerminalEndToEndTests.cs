// End to end: ssi run on a real pseudo-terminal (keys without Enter, no stray escapes) and on pipes and files.
using System.Text.RegularExpressions;
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class TerminalEndToEndTests(SharedCliCluster cluster) : IClassFixture<SharedCliCluster>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dbdemo_on_a_real_terminal_moves_on_single_keys_without_enter_and_the_cli_prints_no_escape_sequence()
    {
        var ssi = cluster.Cli;
        using var tty = PtySession.Ssi(ssi, "run", "--node", "1", "dbdemo", "alphabet", "1.5"); // 26 records in 39 s: they outlast the test on a loaded machine

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
    }

    [Fact]
    public async Task Dev_tty_of_a_program_on_another_node_is_the_real_terminal_it_was_started_from()
    {
        var ssi = cluster.Cli;
        using var tty = PtySession.Ssi(ssi, "run", "--node", "2", "cat", "/dev/tty");
        // Keys typed before the CLI has made the host pty raw would be echoed by the host too.
        await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            return ps.ExitCode == 0 && ps.Json.EnumerateArray().Any(p => p.GetProperty("command").GetString() == "cat /dev/tty");
        }, "cat in ps");

        await tty.TypeAsync("through the tty\n");
        // The cluster's terminal echoes the line once; cat, reading /dev/tty on node 2, writes it back once.
        await tty.AwaitOutputAsync(l => l.Count(line => line == "through the tty") == 2, "the line read through /dev/tty", Deadline);
        await tty.TypeAsync("\u0004"); // Ctrl-D: end of file on the terminal
        var end = await tty.WaitForExitAsync(Deadline);
        Assert.True(end.ExitCode == 0, $"exit {end.ExitCode}\n{string.Join('\n', tty.Lines())}");
    }

    [Theory]
    [InlineData("Ctrl-C")]
    [InlineData("SIGTERM")]
    public async Task The_cli_gives_the_terminal_back_canonical_with_echo_when_a_run_in_single_key_mode_ends_by(string ending)
    {
        var ssi = cluster.Cli;
        using var tty = PtySession.Ssi(ssi, "run", "--node", "2", "dbdemo", "alphabet", "1.5"); // 26 records in 39 s: they outlast the test on a loaded machine
        await tty.AwaitOutputAsync(l => l.Contains("Alfa  (node 2)"), "the first record (the terminal is in single-key mode by then)", Deadline);
        if (ending == "Ctrl-C") await tty.TypeAsync("\u0003"); // the host pty is raw: the cluster's terminal makes it SIGINT for dbdemo's group
        else Ssi.Host.Launcher.NodeProcess.Signal(await tty.ProcessId, Ssi.Host.Launcher.PosixSignalNumber.SIGTERM);
        var end = await tty.WaitForExitAsync(Deadline);
        if (ending == "Ctrl-C") Assert.Equal(130, end.ExitCode); // dbdemo's status: killed by SIGINT
        Assert.True(end.Canonical && end.Echo, $"{ending}: terminal left with icanon={end.Canonical} echo={end.Echo}");
    }

    [Fact]
    public async Task Run_into_a_pipe_whose_reader_has_gone_exits_141_and_the_program_ends_too()
    {
        var ssi = cluster.Cli;
        var piped = await ssi.RunShellAsync("{ ssi run --node 2 yes; echo \"ssi exited $?\" >&2; } | head -n 2");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal("y\ny\n", System.Text.Encoding.UTF8.GetString(piped.Stdout));
        Assert.Contains("ssi exited 141", piped.Stderr);
        await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            return ps.ExitCode == 0 && ps.Json.EnumerateArray().All(p => p.GetProperty("command").GetString() != "yes");
        }, "yes gone from ps");
    }

    [Fact]
    public async Task Ls_prints_one_name_a_line_into_a_pipe_and_columns_on_a_terminal()
    {
        var ssi = cluster.Cli;
        var oneALine = (await ssi.RunAsync("run", "ls", "-1", "/")).Succeeded().Stdout;
        var names = oneALine.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(names.Length > 3, oneALine);

        // Into a pipe (the harness reads ssi's stdout through one), ls decides as on the host: one name a line.
        Assert.Equal(oneALine, (await ssi.RunAsync("run", "ls", "/")).Succeeded().Stdout);

        using var tty = PtySession.Ssi(ssi, "run", "ls", "/");
        var end = await tty.WaitForExitAsync(Deadline);
        Assert.Equal(0, end.ExitCode);
        var rows = tty.Lines().Where(l => l.Length > 0).ToList();
        Assert.True(rows.Count < names.Length, $"not in columns:\n{string.Join('\n', rows)}");
        // GNU ls pads its columns with tabs where it can (-T 8), as on a host terminal.
        Assert.Equal(names.Order(StringComparer.Ordinal), rows.SelectMany(r => r.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_descriptor_is_a_terminal_in_the_cluster_only_where_it_is_one_on_the_host()
    {
        var ssi = cluster.Cli;
        await InstallIsATtyAsync(ssi);

        Assert.Equal("0:pipe 1:pipe 2:pipe\n", (await ssi.RunAsync("run", "--node", "2", "t-isatty")).Succeeded().Stdout);
        foreach (var (script, expected) in new[]
        {
            ("ssi run --node 2 t-isatty", "0:tty 1:tty 2:tty"),
            ("ssi run --node 2 t-isatty | cat", "0:tty 1:pipe 2:tty"),
            ("ssi run --node 3 t-isatty < /dev/null 2>/dev/null", "0:pipe 1:tty 2:pipe"),
        })
        {
            using var tty = PtySession.Shell(ssi, script);
            var end = await tty.WaitForExitAsync(Deadline);
            Assert.True(end.ExitCode == 0, $"{script}: exit {end.ExitCode}\n{string.Join('\n', tty.Lines())}");
            Assert.Equal([expected], tty.Lines().Where(l => l.Length > 0));
        }
    }

    [Fact]
    public async Task Stdin_from_a_file_reaches_end_of_file_with_stdout_on_a_terminal_or_a_pipe()
    {
        var ssi = cluster.Cli;
        var file = Path.Combine(ssi.Home.Root, "three-lines.txt");
        await File.WriteAllTextAsync(file, "one\ntwo\nthree, no newline");

        var piped = await ssi.RunShellAsync($"ssi run --node 2 cat < '{file}'");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(file), piped.Stdout);

        using var tty = PtySession.Shell(ssi, $"ssi run --node 3 wc -l < '{file}'");
        var end = await tty.WaitForExitAsync(Deadline);
        Assert.True(end.ExitCode == 0, $"exit {end.ExitCode}\n{string.Join('\n', tty.Lines())}");
        Assert.Equal(["2"], tty.Lines().Where(l => l.Length > 0).Select(l => l.Trim()));
    }

    [Fact]
    public async Task The_cluster_terminal_edits_and_echoes_lines_stty_changes_it_and_tty_names_it()
    {
        var ssi = cluster.Cli;
        await InstallSpecProgramAsync(ssi, "t-then", typeof(global::SpecPrograms.Then));
        // One terminal shared by the programs t-then runs in turn, as under a shell.
        using var tty = PtySession.Ssi(ssi, "run", "--node", "2", "t-then", "cat", ";", "stty", "-echo", ";", "echo", "quiet", ";", "cat", ";",
            "stty", "echo", "intr", "^X", ";", "tty", ";", "sleep", "100");

        await tty.TypeAsync("abc\u007f" + "d\r"); // a typo, Backspace (DEL), Enter
        await tty.AwaitOutputAsync(l => l.Contains("abd"), "cat's copy of the edited line", Deadline);
        Assert.Contains("abc\b \bd", tty.Lines()); // the echo: the c rubbed out, then the d
        await tty.TypeAsync("\u0004"); // Ctrl-D at the start of a line: end of file for cat

        await tty.AwaitOutputAsync(l => l.Contains("quiet"), "stty -echo done", Deadline);
        await tty.TypeAsync("hidden\r");
        await tty.AwaitOutputAsync(l => l.Contains("hidden"), "cat's copy of the unechoed line", Deadline);
        Assert.Single(tty.Lines(), l => l.Contains("hidden")); // cat's only: nothing echoed
        await tty.TypeAsync("\u0004");

        await tty.AwaitOutputAsync(l => l.Any(line => Regex.IsMatch(line, @"^/dev/pts/\d+$")), "tty's name of the terminal", Deadline);
        // The interrupt key is ^X now: the host pty is raw (its ISIG would not know ^X), the cluster's terminal signals.
        await tty.TypeAsync("\u0018");
        var end = await tty.WaitForExitAsync(Deadline);
        Assert.True(end.ExitCode == 130, $"exit {end.ExitCode}\n{string.Join('\n', tty.Lines())}");
        Assert.True(end.Canonical && end.Echo, $"terminal left with icanon={end.Canonical} echo={end.Echo}");

        // Standard input from a pipe: not a terminal.
        var piped = await ssi.RunShellAsync("echo | ssi run tty");
        Assert.Equal((1, "not a tty\n"), (piped.ExitCode, System.Text.Encoding.UTF8.GetString(piped.Stdout)));
    }

    [Fact]
    public async Task Ctrl_c_typed_at_a_sleep_ends_it_with_status_130_through_the_cluster_terminal()
    {
        var ssi = cluster.Cli;
        using var tty = PtySession.Ssi(ssi, "run", "--node", "3", "sleep", "101");
        await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            return ps.ExitCode == 0 && ps.Json.EnumerateArray().Any(p => p.GetProperty("command").GetString() == "sleep 101");
        }, "sleep in ps");
        await tty.TypeAsync("\u0003");
        var end = await tty.WaitForExitAsync(Deadline);
        Assert.True(end.ExitCode == 130, $"exit {end.ExitCode}\n{string.Join('\n', tty.Lines())}");
        Assert.Contains("^C", System.Text.Encoding.UTF8.GetString(tty.Output)); // echoed by the cluster's terminal (ECHOCTL)
        await AwaitAsync(async () =>
        {
            var ps = await ssi.RunAsync("ps", "--json");
            return ps.ExitCode == 0 && ps.Json.EnumerateArray().All(p => p.GetProperty("command").GetString() != "sleep 101");
        }, "sleep gone from ps");
    }

    [Fact]
    public async Task A_background_reader_on_another_node_stops_with_sigttin_and_reads_once_given_the_terminal()
    {
        var ssi = cluster.Cli;
        await InstallSpecProgramAsync(ssi, "t-bgread", typeof(global::SpecPrograms.BackgroundRead));
        using var tty = PtySession.Ssi(ssi, "run", "--node", "3", "t-bgread"); // the terminal on node 1, the processes on node 3
        await tty.AwaitOutputAsync(l => l.Contains("child stopped"), "the background reader stopped (ps: T)", Deadline);
        await tty.TypeAsync("hello\r");
        await tty.AwaitOutputAsync(l => l.Contains("child read: hello"), "the child's read, made again once it had the terminal", Deadline);
        var end = await tty.WaitForExitAsync(Deadline);
        Assert.True(end.ExitCode == 0, $"exit {end.ExitCode}\n{string.Join('\n', tty.Lines())}");
    }

    /// <summary>t-isatty from the spec programs, added as users add programs: the assembly under /usr/lib, a /bin entry naming it.</summary>
    private static Task InstallIsATtyAsync(SsiCli ssi) => InstallSpecProgramAsync(ssi, "t-isatty", typeof(global::SpecPrograms.IsATty));

    private static Task InstallSpecProgramAsync(SsiCli ssi, string name, Type program) => ssi.InstallProgramAsync(name, program);

    private static Task AwaitAsync(Func<Task<bool>> condition, string what) => CliPolling.UntilAsync(condition, Deadline, () => what, 100);
}
