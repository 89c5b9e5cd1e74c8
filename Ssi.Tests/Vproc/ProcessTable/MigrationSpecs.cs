// Multi-node specs of migration: a process keeps its files, terminal, parent and signals when it moves between nodes.
using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage;
using Ssi.Host.Bench;
using Ssi.Tests.Harness;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class MigrationSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string Alphabet = string.Concat(Enumerable.Range(0, 6).Select(i => "abcdefghijklmnopqrstuvwxyz" + i));
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: store =>
    {
        SpecPrograms.Install(store);
        var file = store.Create(InodeNumber.Root, "alphabet", new NewInode(InodeType.Regular, 0x1A4, 0, 0)).Value.Ino;
        store.Write(file, 0, Encoding.ASCII.GetBytes(Alphabet));
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<object> AskService(int node, object message) => _cluster.AskProcesses(node, message, Timeout);

    /// <summary>Asks the bench service of a node (the timed loops of moves live there, not in the process layer).</summary>
    private Task<object> AskBench(int node, IBenchRequest message) =>
        _cluster[node].System.ActorSelection("/user/" + BenchService.Name).Ask<object>(message, Timeout);

    private Task<(ProgramStarted Started, TerminalClient Client)> Run(int contact, int node, params string[] args) =>
        _cluster.RunAsync(contact, node, Credentials.Root, args, Timeout);

    private async Task<int> Migrate(int via, int pid, int node)
    {
        var reply = await AskService(via, new MigrateRequest(Credentials.Root, new Pid(pid), new NodeNumber(node)));
        return reply is Migrated moved ? moved.Node.Value : throw new Xunit.Sdk.XunitException($"migrate {pid} to {node}: {reply}");
    }

    private async Task<int> NodeOf(int via, int pid) => (((ProcessInfo)await AskService(via, new ProcessQuery(new Pid(pid)))).Node).Value;

    [Fact]
    public async Task A_process_reading_a_file_moves_mid_file_continues_at_its_offset_and_writes_to_its_terminal_on_node_1()
    {
        var (started, client) = await Run(1, 1, "t-slowcat", "/alphabet");
        await _cluster.AwaitAsync(() => client.Stdout.Length >= 16, Timeout, "the first lines");
        Assert.Equal(3, await Migrate(2, started.Pid.Value, 3));
        Assert.Equal(3, await NodeOf(1, started.Pid.Value));
        await _cluster.AwaitAsync(() => client.Stdout.Length >= 80, Timeout, "more output from node 3");
        Assert.Equal(2, await Migrate(3, started.Pid.Value, 2));
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        Assert.Equal(Alphabet + "|ended on node 2\n", client.Stdout);
    }

    [Fact]
    public async Task A_parent_still_waits_for_a_child_that_moved()
    {
        var (_, client) = await Run(2, 2, "t-forkbomb", "1", "1");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("children "), Timeout, "the child");
        var child = int.Parse(client.Stdout.Split('\n').First(l => l.StartsWith("children ")).Split(' ')[1]);
        Assert.Equal(3, await Migrate(1, child, 3));
        var info = (ProcessInfo)await AskService(2, new ProcessQuery(new Pid(child)));
        Assert.Equal(new NodeNumber(3), info.Node);
        Assert.Equal(new Pid(child), info.Pid);
        Assert.IsType<KillDone>(await AskService(1, new KillRequest(Credentials.Root, child, Signal.SIGTERM)));
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        Assert.Contains($"reaped {child} status {Signal.SIGTERM}\n", client.Stdout);
    }

    [Fact]
    public async Task Signals_sent_while_a_process_moves_back_and_forth_arrive_exactly_once()
    {
        var (started, client) = await Run(1, 1, "t-countsignals");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("ready"), Timeout, "ready");
        const int count = 20;
        for (var i = 1; i <= count; i++)
        {
            var move = AskService(1 + i % 3, new MigrateRequest(Credentials.Root, started.Pid, new NodeNumber(1 + i % 3 == 3 ? 2 : 3)));
            Assert.IsType<KillDone>(await AskService(1 + (i + 1) % 3, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGUSR1)));
            var moved = await move;
            Assert.True(moved is Migrated, $"move {i}: {moved}");
            var expected = $"got {i}\n";
            await _cluster.AwaitAsync(() => client.Stdout.Contains(expected), Timeout, $"signal {i} handled");
        }
        client.Ref.Tell(new TerminalClient.Send(TerminalInputEnd.Instance));
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        var lines = client.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ready", .. Enumerable.Range(1, count).Select(i => $"got {i}")], lines[..^1]);
        Assert.StartsWith($"counted {count} on node ", lines[^1]);
    }

    [Fact]
    public async Task A_process_waiting_for_its_terminal_moves_fifty_times_and_still_reads_it()
    {
        var (started, client) = await Run(1, 2, "t-countsignals");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("ready"), Timeout, "ready");
        for (var i = 0; i < 50; i++)
        {
            var reply = await AskService(2, new MigrateRequest(Credentials.Root, started.Pid, new NodeNumber(i % 2 == 0 ? 3 : 2)));
            Assert.True(reply is Migrated, $"move {i}: {reply}; output: {client.Stdout}");
        }
        Assert.False(client.Ended.IsCompleted, client.Stdout);
        client.Ref.Tell(new TerminalClient.Send(TerminalInputEnd.Instance));
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        Assert.EndsWith("counted 0 on node 2\n", client.Stdout);
    }

    [Fact]
    public async Task Lines_typed_while_a_reading_process_hops_reach_it_once_each_and_in_order()
    {
        // cat waits in a terminal read on node 2 or 3 while it hops; its read goes along, so each line the terminal
        // answers follows the PID to wherever cat is by then.
        var (started, client) = await Run(1, 2, "cat");
        var hopping = AskBench(1, new MeasureMigrations(started.Pid, new NodeNumber(2), new NodeNumber(3), 300));
        var typed = new StringBuilder();
        for (var line = 1; !hopping.IsCompleted || line <= 3; line++)
        {
            typed.Append(line).Append('\n');
            client.Ref.Tell(new TerminalClient.Send(new TerminalInput(Encoding.UTF8.GetBytes($"{line}\n"))));
            var expected = typed.ToString();
            await _cluster.AwaitAsync(() => client.Stdout.Length >= expected.Length, Timeout, () => $"line {line}; output: {client.Stdout}");
        }
        var hops = Assert.IsType<MigrationTimes>(await hopping);
        Assert.True(hops.Failures == 0, $"{hops.Failures} failed, first: {hops.FirstFailure}");
        client.Ref.Tell(new TerminalClient.Send(TerminalInputEnd.Instance));
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        Assert.Equal(typed.ToString(), client.Stdout);
    }

    [Fact]
    public async Task A_stopped_process_waiting_for_its_terminal_moves_and_reads_once_continued()
    {
        var (started, client) = await Run(1, 2, "cat");
        await _cluster.AwaitAsync(async () => ((ProcessInfo)await AskService(1, new ProcessQuery(started.Pid))).State == RunState.Sleeping, Timeout, "cat waiting");
        Assert.IsType<KillDone>(await AskService(1, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGSTOP)));
        await _cluster.AwaitAsync(async () => ((ProcessInfo)await AskService(1, new ProcessQuery(started.Pid))).State == RunState.Stopped, Timeout, "cat stopped");
        Assert.Equal(3, await Migrate(1, started.Pid.Value, 3));
        var moved = (ProcessInfo)await AskService(2, new ProcessQuery(started.Pid));
        Assert.Equal((new NodeNumber(3), RunState.Stopped), (moved.Node, moved.State));
        client.Ref.Tell(new TerminalClient.Send(new TerminalInput(Encoding.UTF8.GetBytes("typed while stopped\n"))));
        Assert.Equal(2, await Migrate(3, started.Pid.Value, 2));
        Assert.Equal("", client.Stdout);
        Assert.IsType<KillDone>(await AskService(3, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGCONT)));
        await _cluster.AwaitAsync(() => client.Stdout == "typed while stopped\n", Timeout, () => $"output: {client.Stdout}");
        client.Ref.Tell(new TerminalClient.Send(TerminalInputEnd.Instance));
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Hundreds_of_hops_while_signalled_fail_none_and_lose_no_signal()
    {
        var (started, client) = await Run(1, 2, "t-countsignals");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("ready"), Timeout, "ready");
        var hopping = AskBench(1, new MeasureMigrations(started.Pid, new NodeNumber(2), new NodeNumber(3), 400));
        var sent = 0;
        while (!hopping.IsCompleted)
        {
            Assert.IsType<KillDone>(await AskService(3, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGUSR1)));
            sent++;
            var expected = $"got {sent}\n";
            await _cluster.AwaitAsync(() => client.Stdout.Contains(expected), Timeout, $"signal {sent}");
        }
        var hops = Assert.IsType<MigrationTimes>(await hopping);
        Assert.True(hops.Failures == 0, $"{hops.Failures} failed, first: {hops.FirstFailure}");
        Assert.Equal(400, hops.Microseconds.Length);
        client.Ref.Tell(new TerminalClient.Send(TerminalInputEnd.Instance));
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        Assert.EndsWith($"counted {sent} on node 2\n", client.Stdout);
    }

    [Fact]
    public async Task A_program_moves_itself_and_rexec_keeps_its_pid()
    {
        var (started, client) = await Run(1, 1, "t-hop", "3", "2", "2", "9");
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        var pid = started.Pid;
        Assert.Equal(
            $"pid {pid} migrate 3: ok, on node 3\n" +
            $"pid {pid} migrate 2: ok, on node 2\n" +
            $"pid {pid} migrate 2: ok, on node 2\n" +
            $"pid {pid} migrate 9: EHOSTDOWN, on node 2\n" +
            "rexec done\n", client.Stdout);
    }

    [Fact]
    public async Task Moves_to_a_down_node_or_of_a_pinned_or_missing_process_are_refused_and_it_stays()
    {
        var (started, client) = await Run(1, 2, "sleep", "1000");
        var down = await AskService(1, new MigrateRequest(Credentials.Root, started.Pid, new NodeNumber(7)));
        Assert.Equal(Errno.EHOSTDOWN, Assert.IsType<Failed>(down).Errno);
        Assert.Equal(2, await NodeOf(3, started.Pid.Value));
        Assert.Equal(2, await Migrate(1, started.Pid.Value, 2)); // where it is already: nothing to do
        var stranger = await AskService(1, new MigrateRequest(Credentials.Of(1000, 1000), started.Pid, new NodeNumber(3)));
        Assert.Equal(Errno.EPERM, Assert.IsType<Failed>(stranger).Errno);
        Assert.IsType<PinSet>(await AskService(3, new PinRequest(Credentials.Root, started.Pid, true)));
        var pinned = await AskService(1, new MigrateRequest(Credentials.Root, started.Pid, new NodeNumber(3)));
        Assert.Equal(Errno.EPERM, Assert.IsType<Failed>(pinned).Errno);
        Assert.IsType<PinSet>(await AskService(3, new PinRequest(Credentials.Root, started.Pid, false)));
        Assert.Equal(1, await Migrate(3, started.Pid.Value, 1));
        var missing = await AskService(1, new MigrateRequest(Credentials.Root, new Pid(2_999_999), new NodeNumber(1)));
        Assert.Equal(Errno.ESRCH, Assert.IsType<Failed>(missing).Errno);
        Assert.IsType<KillDone>(await AskService(2, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGKILL)));
        Assert.Equal(Signal.SIGKILL, WaitStatus.TermSig(await client.Ended.WaitAsync(Timeout)));
    }

    [Fact]
    public async Task Nodes_a_process_passed_through_keep_no_forwarder_once_the_origin_routes_past_them_or_it_is_gone()
    {
        var (started, client) = await Run(2, 2, "sleep", "1000");
        var pid = started.Pid;
        Assert.Equal(3, await Migrate(1, pid.Value, 3));
        Assert.True(await HoldsEntity(3, pid.Value));
        Assert.Equal(1, await Migrate(1, pid.Value, 1));
        await AwaitGone(3, pid.Value, "node 3's forwarder retiring");

        // The route is whole: the process is found, moves back through the node it left, and goes home. The nodes
        // it left on the way home keep a forwarder (it is reused if the process comes back) until the process is gone.
        Assert.Equal(1, await NodeOf(3, pid.Value));
        Assert.Equal(3, await Migrate(2, pid.Value, 3));
        Assert.Equal(2, await Migrate(3, pid.Value, 2));
        Assert.True(await HoldsEntity(3, pid.Value));
        Assert.IsType<KillDone>(await AskService(1, new KillRequest(Credentials.Root, pid.Value, Signal.SIGKILL)));
        Assert.Equal(Signal.SIGKILL, WaitStatus.TermSig(await client.Ended.WaitAsync(Timeout)));
        await AwaitGone(3, pid.Value, "node 3's forwarder retiring once the process is gone");
        await AwaitGone(1, pid.Value, "node 1's forwarder retiring once the process is gone");
    }

    private async Task<bool> HoldsEntity(int node, int pid) =>
        (await _cluster.ProcessShardsAsync(node, Timeout)).Shards.Any(s => s.EntityIds.Contains(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private Task AwaitGone(int node, int pid, string what) => _cluster.AwaitAsync(async () => !await HoldsEntity(node, pid), Timeout, what);
}
