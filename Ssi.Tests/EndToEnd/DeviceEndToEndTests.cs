// End to end: the memory devices through the real CLI and real node processes, and mknod's refusal of users.
using Ssi.Tests.Harness;

namespace Ssi.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class DeviceEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Devices_read_and_write_from_any_node_and_only_root_makes_device_nodes()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();

        // A program on node 2 reads /dev/zero; its bytes reach a host pipe unchanged.
        var zeros = await ssi.RunShellAsync("ssi run --node 2 head -c 8 /dev/zero | od -An -c");
        Assert.True(zeros.ExitCode == 0, zeros.ToString());
        Assert.Equal("  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0\n", System.Text.Encoding.ASCII.GetString(zeros.Stdout));
        var random = await ssi.RunShellAsync("ssi run --node 3 head -c 32 /dev/urandom | wc -c");
        Assert.Equal("32", System.Text.Encoding.ASCII.GetString(random.Stdout).Trim());

        // Writing /dev/full fails in the program with ENOSPC; /dev/null takes anything.
        var full = await ssi.RunAsync("run", "--node", "2", "--user", "ann", "cp", "/etc/motd", "/dev/full");
        Assert.True(full.ExitCode == 1, full.ToString());
        Assert.Contains("No space left on device", full.Stderr);
        (await ssi.RunAsync("run", "--node", "3", "cp", "/etc/motd", "/dev/null")).Succeeded();

        // Only root makes device nodes, through the CLI or a program; a FIFO is anyone's to make.
        var refused = await ssi.RunAsync("fs", "mknod", "/tmp/zero", "c", "1", "5", "--user", "ann");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Equal("ssi: fs mknod: /tmp/zero: Operation not permitted (EPERM)\n", refused.Stderr);
        var program = await ssi.RunAsync("run", "--node", "2", "--user", "ann", "mknod", "/tmp/zero", "c", "1", "5");
        Assert.Equal((1, "mknod: /tmp/zero: Operation not permitted\n"), (program.ExitCode, program.Stderr));
        (await ssi.RunAsync("fs", "mknod", "/tmp/zero", "c", "1", "5", "-m", "666")).Succeeded();
        (await ssi.RunAsync("fs", "mkfifo", "/tmp/fifo", "--user", "ann")).Succeeded();
        var again = await ssi.RunAsync("fs", "mkfifo", "/tmp/fifo", "--user", "ann");
        Assert.Equal((1, "ssi: fs mkfifo: /tmp/fifo: File exists (EEXIST)\n"), (again.ExitCode, again.Stderr));
        var usage = await ssi.RunAsync("fs", "mknod", "/tmp/x", "c");
        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.Single(usage.Stderr.Trim().Split('\n'));

        // ls -l and stat show the type letter and the numbers.
        var listed = await ssi.RunAsync("fs", "ls", "-l", "/tmp");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(@"(?m)^crw-rw-rw- +1 +0 +0 +1, 5 .* zero$", listed.Stdout);
        Assert.Matches(@"(?m)^prw-r--r-- +1 +1000 +1000 +0 .* fifo$", listed.Stdout);
        var stat = await ssi.RunAsync("fs", "stat", "/dev/null");
        Assert.Contains("Type: CharDevice  Inode:", stat.Stdout);
        Assert.Contains("Device type: 1,3", stat.Stdout);
        var ls = await ssi.RunAsync("run", "ls", "-l", "/dev/urandom");
        Assert.StartsWith("crw-rw-rw- 1 0 0 1, 9 ", ls.Stdout);

        // A session started from host pipes has no controlling terminal.
        var tty = await ssi.RunAsync("run", "--node", "2", "cat", "/dev/tty");
        Assert.Equal((1, "cat: /dev/tty: No such device or address\n"), (tty.ExitCode, tty.Stderr));

        (await ssi.RunAsync("stop")).Succeeded();
    }

    [Fact]
    public async Task What_node_3_writes_to_node_2s_console_shows_up_at_ssi_console_2_and_what_is_typed_there_is_read_on_node_2()
    {
        using var ssi = new SsiCli();
        (await ssi.RunAsync("start", "3")).Succeeded();

        var console = ssi.Start("console", "2"); // the harness kills and disposes it
        var attached = await console.StandardError.ReadLineAsync().WaitAsync(Deadline);
        Assert.Equal("ssi: attached to node 2's console; end of input (Ctrl-D) detaches", attached);
        var shown = console.StandardOutput.ReadLineAsync();

        var writer = await ssi.RunShellAsync("echo 'hello' | ssi run --node 3 tee /devfs/node2/console");
        Assert.True(writer.ExitCode == 0, writer.ToString());
        Assert.Equal("hello", await shown.WaitAsync(Deadline));

        // /dev/console on node 2 is the same console: head reads the line typed at ssi console 2.
        var reading = ssi.RunAsync("run", "--node", "2", "head", "-n", "1", "/dev/console");
        await console.StandardInput.WriteLineAsync("typed at the console");
        await console.StandardInput.FlushAsync();
        var head = await reading.WaitAsync(Deadline);
        Assert.Equal((0, "typed at the console\n"), (head.ExitCode, head.Stdout));

        // A second client is refused; end of input detaches the first; a node that is not up has no console.
        var busy = await ssi.RunAsync("console", "2");
        Assert.Equal((1, "ssi: console: node 2's console: another client is attached (EBUSY)\n"), (busy.ExitCode, busy.Stderr));
        console.StandardInput.Close();
        await console.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(0, console.ExitCode);
        var none = await ssi.RunAsync("console", "9");
        Assert.Equal((1, "ssi: console: node 9's console: no node 9 is up (ENXIO)\n"), (none.ExitCode, none.Stderr));

        (await ssi.RunAsync("stop")).Succeeded();
    }
}
