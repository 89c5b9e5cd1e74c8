// Multi-node specs of FIFOs: one pipe per FIFO for the whole cluster, opens that wait for the other end, Linux's O_NONBLOCK rules.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Storage;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class FifoSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: store =>
    {
        SpecPrograms.Install(store);
        var tmp = store.Lookup(InodeNumber.Root, "tmp").Value;
        foreach (var (name, mode) in new[] { ("fifo", 0x1B6), ("quiet", 0x1B6), ("private", 0x180) })
            if (!store.Create(tmp, name, new NewInode(InodeType.Fifo, mode, 0, 0)).IsOk) throw new InvalidOperationException($"making /tmp/{name}");
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<(ProgramStarted Started, TerminalClient Client)> Run(int node, Credentials who, params string[] args) =>
        _cluster.RunAsync(1, node, who, args, Timeout);

    private async Task AwaitSleeping(Pid pid, string what) =>
        await _cluster.AwaitAsync(async () => await _cluster.AskProcesses(1, new ProcessQuery(pid), Timeout) is ProcessInfo { State: RunState.Sleeping }, Timeout, what);

    [Fact]
    public async Task A_reader_on_one_node_waits_in_open_until_a_writer_on_another_opens_the_same_path_then_gets_its_data_and_end_of_file()
    {
        var (reading, reader) = await Run(2, Credentials.Root, "cat", "/tmp/fifo");
        await AwaitSleeping(reading.Pid, "cat waiting in open");
        Assert.Equal("", reader.Stdout);

        var (_, writer) = await Run(3, Credentials.Root, "tee", "/tmp/fifo");
        writer.Ref.Tell(new TerminalClient.Send(new Ssi.Cfs.Devices.TerminalInput("hello\n"u8.ToArray())));
        writer.Ref.Tell(new TerminalClient.Send(Ssi.Cfs.Devices.TerminalInputEnd.Instance));
        Assert.Equal(0, WaitStatus.ExitStatus(await writer.Ended.WaitAsync(Timeout)));
        Assert.Equal(0, WaitStatus.ExitStatus(await reader.Ended.WaitAsync(Timeout)));
        Assert.Equal("hello\n", reader.Stdout);
        Assert.Equal("hello\n", writer.Stdout);
    }

    [Fact]
    public async Task A_writer_waits_for_a_reader_and_O_NONBLOCK_opens_follow_Linux()
    {
        var (_, refused) = await Run(2, Credentials.Root, "t-fifoopen", "/tmp/quiet", "w", "nonblock");
        Assert.Equal(1, WaitStatus.ExitStatus(await refused.Ended.WaitAsync(Timeout)));
        Assert.Equal("open: ENXIO\n", refused.Stdout);

        var (_, alone) = await Run(3, Credentials.Root, "t-fifoopen", "/tmp/quiet", "r", "nonblock");
        Assert.Equal(0, WaitStatus.ExitStatus(await alone.Ended.WaitAsync(Timeout)));
        Assert.Equal("opened\nread |\n", alone.Stdout); // no writer: end of file at once

        var (writing, writer) = await Run(3, Credentials.Root, "t-fifoopen", "/tmp/quiet", "w");
        await AwaitSleeping(writing.Pid, "the writer waiting in open");
        var (_, reader) = await Run(1, Credentials.Root, "t-fifoopen", "/tmp/quiet", "r");
        Assert.Equal(0, WaitStatus.ExitStatus(await writer.Ended.WaitAsync(Timeout)));
        Assert.Equal(0, WaitStatus.ExitStatus(await reader.Ended.WaitAsync(Timeout)));
        Assert.Equal("opened\nwrote 5\n", writer.Stdout);
        Assert.Equal("opened\nread ping\n|\n", reader.Stdout);
    }

    [Fact]
    public async Task Opening_a_FIFO_checks_permissions_as_for_a_file()
    {
        var (_, denied) = await Run(2, Ann, "t-fifoopen", "/tmp/private", "r", "nonblock");
        Assert.Equal(1, WaitStatus.ExitStatus(await denied.Ended.WaitAsync(Timeout)));
        Assert.Equal("open: EACCES\n", denied.Stdout);
    }
}
