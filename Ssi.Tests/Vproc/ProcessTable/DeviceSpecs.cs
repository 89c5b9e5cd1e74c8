// Multi-node specs of device nodes: processes on one node use the memory devices through descriptions served
// wherever their entities live, and mknod and mkfifo keep Linux's rules across nodes.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class DeviceSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Credentials Ann = Credentials.Of(1000, 1000);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: SpecPrograms.Install);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>Runs a program on <paramref name="node"/> with its terminal on node 1; its exit code and what it wrote.</summary>
    private async Task<(int Code, string Stdout, string Stderr)> Run(int node, Credentials who, params string[] args)
    {
        var (started, client) = await _cluster.RunAsync(1, node, who, args, Timeout);
        Assert.Equal(new NodeNumber(node), started.Node);
        int status;
        try
        {
            status = await client.Ended.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{string.Join(' ', args)} did not exit; it wrote:\n{client.Stdout}\nand on stderr:\n{client.Stderr}");
        }
        Assert.True(WaitStatus.IfExited(status), $"{string.Join(' ', args)}: status {status}\n{client.Stderr}");
        return (WaitStatus.ExitStatus(status), client.Stdout, client.Stderr);
    }

    [Fact]
    public async Task A_process_on_node_2_reads_zero_and_urandom_writes_full_and_null_and_seeks_without_moving()
    {
        var (code, stdout, stderr) = await Run(2, Ann, "t-devices");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => string.Join(' ', l.Split(' ').Take(2))); // "PATH CALL" -> the line
        Assert.Equal("/dev/zero read " + new string('0', 32), lines["/dev/zero read"]);
        Assert.Matches("^/dev/urandom read [0-9a-f]{32}$", lines["/dev/urandom read"]);
        Assert.NotEqual("/dev/urandom read " + new string('0', 32), lines["/dev/urandom read"]);
        Assert.Equal("/dev/full write ENOSPC", lines["/dev/full write"]);
        Assert.Equal("/dev/null write 5", lines["/dev/null write"]);
        Assert.Equal("/dev/null read ", lines["/dev/null read"]); // end of file: nothing
        foreach (var device in new[] { "/dev/zero", "/dev/urandom", "/dev/full", "/dev/null" })
            Assert.Equal($"{device} seek 0", lines[$"{device} seek"]);
        Assert.Equal("/dev/zero fstat CharDevice 1,5", lines["/dev/zero fstat"]);
        Assert.Equal("node 2", stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    [Fact]
    public async Task Mknod_of_a_device_is_EPERM_for_a_user_and_root_makes_one_that_every_node_sees()
    {
        var refused = await Run(2, Ann, "mknod", "/tmp/zero", "c", "1", "5");
        Assert.Equal((1, "mknod: /tmp/zero: Operation not permitted\n"), (refused.Code, refused.Stderr));

        var made = await Run(3, Credentials.Root, "mknod", "-m", "644", "/tmp/zero", "c", "1", "5");
        Assert.True(made.Code == 0, made.Stderr);
        foreach (var node in new[] { 1, 2, 3 })
        {
            var reply = await _cluster[node].System.ActorSelection("/user/fs").Ask<object>(new FsStat(Ann, "/tmp/zero"), Timeout);
            var attributes = Assert.IsType<FsAttributes>(reply).Attributes;
            Assert.Equal((InodeType.CharDevice, MemoryDevices.Zero, 0x1A4, 0), (attributes.Type, attributes.Device, attributes.Mode, attributes.Uid));
        }
        var listed = await Run(2, Ann, "ls", "-l", "/tmp/zero");
        Assert.Matches(@"^crw-r--r-- 1 0 0 1, 5 \w{3} [ \d]\d \d\d:\d\d /tmp/zero\n$", listed.Stdout);
    }

    [Fact]
    public async Task Mkfifo_over_an_existing_path_is_EEXIST_on_any_node()
    {
        var first = await Run(2, Ann, "mkfifo", "/tmp/fifo");
        Assert.True(first.Code == 0, first.Stderr);
        var again = await Run(3, Ann, "mkfifo", "/tmp/fifo", "/etc/motd");
        Assert.Equal(1, again.Code);
        Assert.Equal("mkfifo: cannot create fifo '/tmp/fifo': File exists\nmkfifo: cannot create fifo '/etc/motd': File exists\n", again.Stderr);
        var listed = await Run(1, Ann, "ls", "-l", "/tmp/fifo");
        Assert.StartsWith("prw-r--r-- 1 1000 1000 0 ", listed.Stdout);
    }

    [Fact]
    public async Task Dev_tty_is_the_controlling_terminal_of_the_session_on_any_node_and_ENXIO_after_setsid()
    {
        var (code, stdout, stderr) = await Run(2, Credentials.Root, "t-devtty", "3");
        Assert.True(code == 0, stderr);
        Assert.Equal("through /dev/tty\nafter setsid: ENXIO\n", stdout);
    }
}
