// ps, kill, where_pid, onnode on the real process core and file system (ProgramMachine): cluster-wide process rows, signals, nodes and remote children.
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Programs.Builtin;
using Kill = Ssi.Vproc.Programs.Builtin.Kill;
using Mkdir = Ssi.Vproc.Programs.Builtin.Mkdir;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class ProcessProgramTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel()
    {
        var k = new ProgramMachine(cluster) { Pid = 100 };
        var start = DateTimeOffset.UtcNow;
        k.Processes.Add(new ProcessInfo(new Pid(300), new Pid(1), new Pid(300), new Pid(300), 0, 0, RunState.Sleeping, new NodeNumber(2), "/bin/init x", start, TimeSpan.Zero));
        k.Processes.Add(new ProcessInfo(new Pid(100), new Pid(1), new Pid(100), new Pid(100), 1000, 1000, RunState.Running, new NodeNumber(1), "ps -e", start, TimeSpan.Zero));
        k.Processes.Add(new ProcessInfo(new Pid(205), new Pid(100), new Pid(205), new Pid(100), 1000, 1000, RunState.Sleeping, new NodeNumber(3), "sleep 100", start, new TimeSpan(1, 2, 3)));
        k.AddProgram("/bin/echo", () => new Echo());
        k.AddProgram("/bin/false", () => new False());
        k.AddFile("/bin/notes", "#!ssi-program echo\n", mode: 0x1A4);
        return k;
    }

    [Fact]
    public void Ps_shows_the_session_with_the_node_of_each_process()
    {
        var r = Kernel().Run(new Ps(), "ps");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            "PID PPID PGID SID  UID STAT NODE TIME     CMD\n" +
            "100    1  100 100 1000 R       1 00:00:00 ps\n" +
            "205  100  205 100 1000 S       3 01:02:03 sleep\n", r.Stdout);
    }

    [Fact]
    public void Ps_e_shows_every_process_and_f_the_whole_command_with_its_start()
    {
        var r = Kernel().Run(new Ps(), "ps", "-e", "-f");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("PID PPID PGID SID  UID STAT NODE STIME TIME     CMD", lines[0]);
        Assert.StartsWith("100    1  100 100 1000 R       1 ", lines[1]);
        Assert.EndsWith(" 00:00:00 /bin/init x", lines[3]);
        Assert.Matches(@"^300    1  300 300    0 S       2 \d\d:\d\d ", lines[3]);
    }

    [Theory]
    [InlineData(new[] { "205" }, 205, Signal.SIGTERM)]
    [InlineData(new[] { "-9", "205" }, 205, Signal.SIGKILL)]
    [InlineData(new[] { "-s", "HUP", "205" }, 205, Signal.SIGHUP)]
    [InlineData(new[] { "-SIGUSR1", "205" }, 205, Signal.SIGUSR1)]
    [InlineData(new[] { "-KILL", "-205" }, -205, Signal.SIGKILL)]
    [InlineData(new[] { "--", "-205" }, -205, Signal.SIGTERM)]
    public void Kill_sends_the_named_signal_to_a_process_or_group(string[] args, int target, int signal)
    {
        var k = Kernel();
        var r = k.Run(new Kill(), ["kill", .. args]);
        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        Assert.Equal([(target, signal)], k.Kills);
    }

    [Fact]
    public void Kill_reports_each_failure_goes_on_and_exits_1()
    {
        var k = Kernel();
        var r = k.Run(new Kill(), "kill", "999", "300", "abc", "205");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "kill: (999) - No such process\n" +
            "kill: (300) - Operation not permitted\n" +
            "kill: failed to parse argument: 'abc'\n", r.Stderr);
        Assert.Equal([(205, Signal.SIGTERM)], k.Kills);
    }

    [Fact]
    public void Kill_rejects_unknown_signals_and_missing_pids()
    {
        var k = Kernel();
        var unknown = k.Run(new Kill(), "kill", "-FOO", "205");
        Assert.Equal((1, "kill: unknown signal: FOO\n"), (unknown.ExitCode, unknown.Stderr));
        Assert.Empty(k.Kills);
        Assert.Equal(2, k.Run(new Kill(), "kill").ExitCode);
        Assert.Equal(2, k.Run(new Kill(), "kill", "-9").ExitCode);
    }

    [Fact]
    public void Kill_l_lists_and_translates_signals()
    {
        var k = Kernel();
        Assert.StartsWith("HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM", k.Run(new Kill(), "kill", "-l").Stdout);
        Assert.Equal("KILL\nTERM\n15\n", k.Run(new Kill(), "kill", "-l", "9", "143", "SIGTERM").Stdout);
    }

    [Fact]
    public void Where_pid_prints_the_node_of_each_process()
    {
        var r = Kernel().Run(new WherePid(), "where_pid", "205", "300", "999");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("3\n2\n", r.Stdout);
        Assert.Equal("where_pid: 999: No such process\n", r.Stderr);
    }

    [Fact]
    public void Onnode_runs_the_program_in_a_child_on_that_node()
    {
        var k = Kernel();
        var r = k.Run(new Onnode(), "onnode", "3", "echo", "hi", "there");
        Assert.Equal((0, "hi there\n", ""), (r.ExitCode, r.Stdout, r.Stderr));
        Assert.Contains(k.Calls, c => c.Call is Fork { Node.Value: 3 } && c.Pid == 100);
        Assert.Contains(k.Calls, c => c.Call is Exec { Path: "/bin/echo" } && c.Node == 3 && c.Pid != 100);
        Assert.Contains(k.Calls, c => c.Call is Write && c.Node == 3);
        Assert.Contains(k.Calls, c => c.Call is Wait && c.Pid == 100);
    }

    [Fact]
    public void Onnode_exits_with_the_exit_code_of_the_program()
    {
        Assert.Equal(1, Kernel().Run(new Onnode(), "onnode", "2", "false").ExitCode);
    }

    [Fact]
    public void Onnode_exits_127_for_an_unknown_program()
    {
        var r = Kernel().Run(new Onnode(), "onnode", "2", "nosuch");
        Assert.Equal((127, "onnode: nosuch: No such file or directory\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Onnode_exits_126_for_a_file_it_cannot_execute()
    {
        var r = Kernel().Run(new Onnode(), "onnode", "2", "/bin/notes");
        Assert.Equal((126, "onnode: /bin/notes: Permission denied\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Onnode_reports_a_node_that_is_down_and_exits_1()
    {
        var k = Kernel();
        k.DownNodes.Add(4);
        var r = k.Run(new Onnode(), "onnode", "4", "echo", "hi");
        Assert.Equal((1, "", "onnode: node 4: Host is down\n"), (r.ExitCode, r.Stdout, r.Stderr));
    }

    [Fact]
    public void Onnode_checks_its_arguments()
    {
        Assert.Equal(2, Kernel().Run(new Onnode(), "onnode", "3").ExitCode);
        var r = Kernel().Run(new Onnode(), "onnode", "x", "echo");
        Assert.Equal((2, "onnode: invalid node number 'x'\n"), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Every_program_is_registered_under_its_name()
    {
        var expected = new Dictionary<string, Type>
        {
            ["yes"] = typeof(Yes), ["wc"] = typeof(Wc), ["head"] = typeof(Head), ["tail"] = typeof(Tail),
            ["grep"] = typeof(Grep), ["sort"] = typeof(Sort), ["tee"] = typeof(Tee), ["ls"] = typeof(Ls),
            ["mkdir"] = typeof(Mkdir), ["rm"] = typeof(Rm), ["cp"] = typeof(Cp), ["mv"] = typeof(Mv),
            ["ps"] = typeof(Ps), ["kill"] = typeof(Kill), ["where_pid"] = typeof(WherePid), ["onnode"] = typeof(Onnode),
        };
        foreach (var (name, type) in expected) Assert.IsType(type, Builtins.All[name]());
    }
}
