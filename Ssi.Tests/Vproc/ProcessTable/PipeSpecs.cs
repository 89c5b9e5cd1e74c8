// Multi-node specs of pipe(2): data, end of file, PIPE_BUF atomicity, SIGPIPE/EPIPE and EINTR with the ends on different nodes.
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Permissions;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class PipeSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: SpecPrograms.Install);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<(ProgramStarted Started, TerminalClient Client)> Run(int node, params string[] args) =>
        await _cluster.RunAsync(1, node, Credentials.Root, args, Timeout);

    private static async Task<int> Exited(TerminalClient client) => await client.Ended.WaitAsync(Timeout);

    [Theory]
    [InlineData(1, 65536)]
    [InlineData(2, 4096)]
    public async Task What_a_writer_on_one_node_puts_in_a_pipe_a_reader_gets_whole_and_in_order_then_end_of_file(int writerNode, int chunk)
    {
        // 1 MiB through a 64 KiB pipe: the writer blocks while it is full, the reader while it is empty.
        var (_, client) = await Run(1, "t-pipeflow", writerNode.ToString(), (1 << 20).ToString(), chunk.ToString());
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(client)));
        Assert.Equal($"read {1 << 20} bytes, first bad byte -1, writer exit {writerNode}, reader on node 1\n", client.Stdout);
    }

    [Fact]
    public async Task A_reader_and_a_writer_that_both_move_while_10_MiB_pass_lose_repeat_and_reorder_nothing()
    {
        var bytes = 10 << 20;
        var (_, client) = await Run(1, "t-pipeflow", "2", bytes.ToString(), "65536", "3", "1", "3");
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(client)));
        Assert.Equal($"read {bytes} bytes, first bad byte -1, writer exit 3, reader on node 3\n", client.Stdout);
    }

    [Fact]
    public async Task Writes_of_PIPE_BUF_bytes_from_writers_on_three_nodes_never_interleave()
    {
        var (_, client) = await Run(1, "t-pipeatomic", "200", "1", "2", "3");
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(client)));
        Assert.Equal($"{3 * 200 * 4096} bytes, 600 records, 0 mixed\n", client.Stdout);
    }

    [Fact]
    public async Task A_write_with_no_reader_left_kills_the_writer_with_SIGPIPE_or_gives_EPIPE_where_it_is_ignored()
    {
        var (_, killed) = await Run(1, "t-pipebroken", "2");
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(killed)));
        Assert.Equal($"child killed by signal {Signal.SIGPIPE}\n", killed.Stdout);

        var (_, ignored) = await Run(1, "t-pipebroken", "3", "ignore");
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(ignored)));
        Assert.Equal("child: write: EPIPE\nchild exit 0\n", ignored.Stdout);
    }

    [Theory]
    [InlineData(false, "read ended: EINTR")]
    [InlineData(true, "read ended: written by the handler")]
    public async Task A_handled_signal_interrupts_a_blocked_read_of_a_pipe_with_EINTR_or_with_SA_RESTART_the_read_starts_again(bool restart, string ended)
    {
        var (started, client) = await Run(2, restart ? ["t-pipeinterrupt", "restart"] : ["t-pipeinterrupt"]);
        await _cluster.AwaitAsync(() => client.Stdout.Contains("ready"), Timeout, "the program ready");
        await _cluster.AwaitAsync(async () => await _cluster.AskProcesses(3, new ProcessQuery(started.Pid), Timeout) is ProcessInfo { State: RunState.Sleeping },
            Timeout, "the read blocking");
        Assert.IsType<KillDone>(await _cluster.AskProcesses(3, new KillRequest(Credentials.Root, started.Pid.Value, Signal.SIGUSR1), Timeout));
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(client)));
        Assert.Equal($"ready\nhandled\n{ended}\n", client.Stdout);
    }

    [Fact]
    public async Task O_NONBLOCK_ends_get_EAGAIN_instead_of_waiting_from_another_node_than_the_pipes()
    {
        var (_, client) = await Run(2, "t-pipenonblock", "3");
        Assert.True(WaitStatus.ExitStatus(await Exited(client)) == 0, client.Stderr);
        Assert.Equal("read: EAGAIN\nwrite: 65536\nwrite: EAGAIN\nread: 4096\nwrite: 4096\ndrained 65536, then 0\n", client.Stdout);
    }

    [Fact]
    public async Task When_the_only_writer_dies_with_its_node_the_reader_on_another_node_gets_end_of_file_not_a_hang()
    {
        // The pipe on node 2, its writer (a forked child) on node 3, its reader on node 1: node 3 is lost.
        var (started, client) = await Run(2, "t-pipeloss", "3", "1");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("ready"), Timeout, "the reader on node 1");
        await _cluster.AwaitAsync(async () => await _cluster.AskProcesses(1, new ProcessQuery(started.Pid), Timeout) is ProcessInfo { State: RunState.Sleeping, Node.Value: 1 },
            Timeout, "the read blocking");
        await _cluster.CrashAsync(3);
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(client)));
        Assert.Equal("ready\nread ended: 0 bytes\nread again: 0 bytes\n", client.Stdout);
    }

    [Fact]
    public async Task When_the_node_holding_a_pipe_dies_its_reader_on_another_node_gets_end_of_file_at_once_not_a_hang()
    {
        var (started, client) = await Run(2, "t-pipeloss", "3", "1");
        await _cluster.AwaitAsync(() => client.Stdout.Contains("ready"), Timeout, "the reader on node 1");
        await _cluster.AwaitAsync(async () => await _cluster.AskProcesses(1, new ProcessQuery(started.Pid), Timeout) is ProcessInfo { State: RunState.Sleeping, Node.Value: 1 },
            Timeout, "the read blocking");
        await _cluster.CrashAsync(2);
        Assert.Equal(0, WaitStatus.ExitStatus(await Exited(client)));
        Assert.Equal("ready\nread ended: 0 bytes\nread again: 0 bytes\n", client.Stdout);
    }
}
