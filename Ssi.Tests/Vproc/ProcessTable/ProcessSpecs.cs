// Multi-node specs of the process layer: three real ActorSystems over loopback TLS, processes on every node.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Tests.Harness;
using Ssi.Actors.Identity;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class ProcessSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);
    private static readonly Credentials Bob = Credentials.Of(1001, 1001);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: SpecPrograms.Install);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<object> AskService(int node, object message) => _cluster.AskProcesses(node, message, Timeout);

    /// <summary>Starts a program on <paramref name="node"/> through the terminal of <paramref name="contact"/>, as ssi run does.</summary>
    private Task<(ProgramStarted Started, TerminalClient Client)> Run(int contact, int node, Credentials who, params string[] args) =>
        _cluster.RunAsync(contact, node, who, args, Timeout);

    private async Task<int> Exited(TerminalClient client)
    {
        try
        {
            return await client.Ended.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"the process did not exit; it wrote:\n{client.Stdout}\nand on stderr:\n{client.Stderr}");
        }
    }

    [Fact]
    public async Task A_parent_on_node_1_waits_for_a_child_on_node_3_and_gets_its_status()
    {
        var (started, client) = await Run(1, 1, Credentials.Root, "t-forkandwait", "3", "42");
        Assert.Equal(new NodeNumber(1), started.Node);
        Assert.Equal(new NodeNumber(1), new Pid(started.Pid.Value).Origin);
        var status = await Exited(client);
        Assert.True(WaitStatus.IfExited(status), client.Stdout + client.Stderr);
        Assert.Contains("child runs on node 3", client.Stdout);
        Assert.Matches(@"parent on node 1: child (\d+) reaped as \1, exit code 42, exited True", client.Stdout);
        Assert.Contains("second wait: ECHILD", client.Stdout);
    }

    [Fact]
    public async Task Children_that_exit_before_their_creation_is_confirmed_are_still_waited_for_each_once()
    {
        foreach (var node in new[] { 1, 2 })
        {
            var (_, client) = await Run(1, 1, Credentials.Root, "t-quickchildren", "40", node.ToString());
            Assert.Equal(0, await Exited(client));
            Assert.Equal("codes " + string.Join(' ', Enumerable.Range(0, 40)) + "\n", client.Stdout);
        }
    }

    [Fact]
    public async Task An_orphan_is_adopted_by_init_and_reaped()
    {
        var (_, client) = await Run(2, 2, Credentials.Root, "t-orphan", "3", "/tmp/orphan");
        await Exited(client);
        string text = "";
        await _cluster.AwaitAsync(async () =>
        {
            var reply = await _cluster[1].System.ActorSelection("/user/fs").Ask<object>(new FsRead(Credentials.Root, "/tmp/orphan", 0, 100), Timeout);
            text = reply is FsData data ? System.Text.Encoding.UTF8.GetString(data.Data) : "";
            return text.EndsWith('\n');
        }, Timeout, "the orphan's report");
        var orphan = int.Parse(text.Split(' ')[0]);
        Assert.Equal(new NodeNumber(3), new Pid(orphan).Origin);
        Assert.EndsWith("adopted by 1\n", text);
        // Init reaps it: the PID is gone from the process table, on every node.
        await _cluster.AwaitAsync(async () => await AskService(2, new ProcessQuery(new Pid(orphan))) is Failed { Errno: Errno.ESRCH }, Timeout, "the orphan reaped");
        var everyone = (ProcessList)await AskService(1, new ListCluster());
        Assert.DoesNotContain(everyone.Processes, p => p.Pid.Value == orphan);
    }

    [Fact]
    public async Task A_kill_from_node_2_reaches_a_process_on_node_3()
    {
        var (started, client) = await Run(1, 3, Credentials.Root, "sleep", "1000");
        Assert.Equal(new NodeNumber(3), started.Node);
        Assert.Equal(new NodeNumber(3), ((ProcessInfo)await AskService(2, new ProcessQuery(started.Pid))).Node);
        Assert.IsType<KillDone>(await AskService(2, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGTERM)));
        var status = await Exited(client);
        Assert.True(WaitStatus.IfSignaled(status));
        Assert.Equal(Signal.SIGTERM, WaitStatus.TermSig(status));
    }

    [Fact]
    public async Task Another_users_kill_is_refused_and_the_owners_works()
    {
        var (started, client) = await Run(3, 3, Ann, "sleep", "1000");
        var refused = await AskService(2, new KillRequest(Bob, started.Pid.Value, Signal.SIGKILL));
        Assert.True(refused is Failed { Errno: Errno.EPERM }, $"{refused}; the process wrote: {client.Stdout} {client.Stderr}");
        Assert.False(client.Ended.IsCompleted);
        Assert.IsType<KillDone>(await AskService(1, new KillRequest(Ann, started.Pid.Value, Signal.SIGKILL)));
        Assert.Equal(Signal.SIGKILL, WaitStatus.TermSig(await Exited(client)));
        // Init reaps the zombie; then the PID names nobody.
        await _cluster.AwaitAsync(async () => await AskService(1, new KillRequest(Ann, started.Pid.Value, 0)) is Failed { Errno: Errno.ESRCH }, Timeout, "the PID gone");
    }

    [Fact]
    public async Task A_handled_signal_interrupts_a_blocking_read_with_EINTR()
    {
        var (started, client) = await Run(1, 2, Credentials.Root, "t-interruptedread");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("ready"), Timeout, "the program ready");
        await _cluster.AwaitAsync(async () => await AskService(3, new ProcessQuery(started.Pid)) is ProcessInfo { State: RunState.Sleeping }, Timeout, "the read blocking");
        Assert.IsType<KillDone>(await AskService(3, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGUSR1)));
        await _cluster.AwaitAsync(() => client.Stdout.Contains("read ended"), Timeout, "the read interrupted");
        Assert.Contains("handler: signal 10\nread ended: EINTR; handler saw signal 10\n", client.Stdout);
        // The terminal still works: input reaches the next read.
        client.Ref.Tell(new TerminalClient.Send(new TerminalInput(System.Text.Encoding.UTF8.GetBytes("hello\n"))));
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(client)));
        Assert.Contains("then read: hello", client.Stdout);
    }

    [Fact]
    public async Task A_program_that_throws_is_a_process_killed_by_SIGSEGV_and_the_node_lives_on()
    {
        var (_, client) = await Run(2, 2, Credentials.Root, "t-crash");
        var status = await Exited(client);
        Assert.True(Signal.SIGSEGV == WaitStatus.TermSig(status), $"status {status}, stderr: {client.Stderr}");
        Assert.Equal(139, WaitStatus.ShellCode(status));
        Assert.Contains("about to fail", client.Stdout);
        var (_, after) = await Run(2, 2, Credentials.Root, "echo", "still", "here");
        Assert.Equal(0, await Exited(after));
        Assert.Equal("still here\n", after.Stdout);
    }

    [Fact]
    public async Task Unknown_and_not_executable_programs_exit_127_and_126_as_a_shell_reports()
    {
        var (_, missing) = await Run(1, 2, Credentials.Root, "no-such-program");
        Assert.Equal(127, WaitStatus.ShellCode(await Exited(missing)));
        Assert.Contains("/bin/no-such-program: No such file or directory", missing.Stderr);
        var (_, denied) = await Run(1, 3, Ann, "t-not-executable");
        Assert.Equal(126, WaitStatus.ShellCode(await Exited(denied)));
        Assert.Contains("Permission denied", denied.Stderr);
    }

    [Fact]
    public async Task Run_on_a_node_that_is_not_up_starts_nothing()
    {
        var reply = await AskService(1, new RunProgram(Credentials.Root, new NodeNumber(7), "true", ["true"], ImmutableDictionary<string, string>.Empty, "/", ActorRefs.Nobody));
        Assert.Equal(Errno.EHOSTDOWN, Assert.IsType<Failed>(reply).Errno);
    }

    [Fact]
    public async Task A_process_group_kill_reaches_children_on_every_node_and_ps_lists_them_with_their_nodes()
    {
        var (started, client) = await Run(1, 1, Credentials.Root, "t-forkbomb", "2", "3");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("children "), Timeout, "the children");
        var children = client.Stdout.Split('\n').First(l => l.StartsWith("children ")).Split(' ').Skip(1).Select(int.Parse).ToList();
        foreach (var node in new[] { 1, 2, 3 })
        {
            var everyone = (ProcessList)await AskService(node, new ListCluster());
            Assert.Contains(everyone.Processes, p => p.Pid == started.Pid && p.Node.Value == 1 && p.Pgid == started.Pid);
            Assert.All(children, c => Assert.Contains(everyone.Processes, p => p.Pid.Value == c && p.Node.Value == 3 && p.Ppid == started.Pid && p.Pgid == started.Pid));
        }
        Assert.IsType<KillDone>(await AskService(2, new KillRequest(Credentials.Root, -started.Pid.Value, Signal.SIGTERM)));
        var status = await Exited(client);
        Assert.Equal(Signal.SIGTERM, WaitStatus.TermSig(status));
    }
}
