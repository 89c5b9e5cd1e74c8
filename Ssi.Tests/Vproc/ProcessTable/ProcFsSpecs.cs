// Multi-node specs of /proc: every process of the cluster is there from every node, and /proc/PID/goto moves it.
using System.Text;
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Permissions;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class ProcFsSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: SpecPrograms.Install);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<int> NodeOf(int pid) => (((ProcessInfo)await _cluster.AskProcesses(2, new ProcessQuery(new Pid(pid)), Timeout)).Node).Value;

    /// <summary>Runs a program to its end on <paramref name="node"/> with <paramref name="input"/> typed and then end of input.</summary>
    private async Task<(int Status, string Out, string Err)> Run(int node, Credentials who, string input, params string[] args)
    {
        var (_, client) = await _cluster.RunAsync(node, node, who, args, Timeout);
        if (input.Length > 0) client.Ref.Tell(new TerminalClient.Send(new TerminalInput(Encoding.UTF8.GetBytes(input))));
        client.Ref.Tell(new TerminalClient.Send(TerminalInputEnd.Instance));
        var status = await client.Ended.WaitAsync(Timeout);
        return (status, client.Stdout, client.Stderr);
    }

    [Fact]
    public async Task Writing_a_node_to_proc_pid_goto_moves_the_process_and_its_proc_files_follow_it()
    {
        var (sleeper, _) = await _cluster.RunAsync(1, 1, Credentials.Of(1000, 1000), ["sleep", "1000"], Timeout);
        var pid = sleeper.Pid;

        var list = await Run(3, Credentials.Root, "", "ls", "-1", "/proc");
        Assert.Contains($"\n{pid}\n", "\n" + list.Out);
        Assert.Contains("\nself\n", "\n" + list.Out);
        Assert.Equal("cmdline\ngoto\nstatus\nwhere\n", (await Run(2, Credentials.Root, "", "ls", "-1", $"/proc/{pid}")).Out);

        var moved = await Run(2, Credentials.Root, "3\n", "tee", $"/proc/{pid}/goto");
        Assert.Equal((0, "3\n", ""), moved);
        Assert.Equal(3, await NodeOf(pid.Value));
        Assert.Equal("3\n", (await Run(1, Credentials.Root, "", "cat", $"/proc/{pid}/where")).Out);
        var status = (await Run(1, Credentials.Root, "", "cat", $"/proc/{pid}/status")).Out;
        Assert.Contains($"Pid:\t{pid}\n", status);
        Assert.Contains("Name:\tsleep\n", status);
        Assert.Contains("State:\tS (sleeping)\n", status);
        Assert.Contains("Node:\t3\n", status);
        Assert.Contains("Uid:\t1000\n", status);
        Assert.Equal("sleep\01000\0", (await Run(2, Credentials.Root, "", "cat", $"/proc/{pid}/cmdline")).Out);

        // Its owner may move it; another user may not, and nonsense is refused. It stays where it was.
        Assert.Equal(0, (await Run(1, Credentials.Of(1000, 1000), "2\n", "tee", $"/proc/{pid}/goto")).Status);
        Assert.Equal(2, await NodeOf(pid.Value));
        var denied = await Run(1, Credentials.Of(1001, 1001), "1\n", "tee", $"/proc/{pid}/goto");
        Assert.NotEqual(0, denied.Status);
        Assert.Contains("Permission denied", denied.Err);
        var nonsense = await Run(1, Credentials.Root, "node one\n", "tee", $"/proc/{pid}/goto");
        Assert.NotEqual(0, nonsense.Status);
        Assert.Contains("Invalid argument", nonsense.Err);
        var down = await Run(1, Credentials.Root, "7\n", "tee", $"/proc/{pid}/goto");
        Assert.NotEqual(0, down.Status);
        Assert.Equal(2, await NodeOf(pid.Value));

        // Read-only files stay read-only, goto is only written, and a missing process has no directory.
        Assert.Contains("Permission denied", (await Run(1, Credentials.Root, "", "cat", $"/proc/{pid}/goto")).Err);
        Assert.Contains("Permission denied", (await Run(1, Credentials.Root, "x\n", "tee", $"/proc/{pid}/status")).Err);
        Assert.Contains("No such file or directory", (await Run(1, Credentials.Root, "", "cat", "/proc/999999/status")).Err);
    }

    [Fact]
    public async Task A_process_that_writes_its_own_goto_continues_on_the_new_node()
    {
        // t-gotoself writes N to /proc/self/goto, then prints the write's result and the node it is on.
        var (started, client) = await _cluster.RunAsync(1, 1, Credentials.Root, ["t-gotoself", "3"], Timeout);
        Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        Assert.Equal("wrote 2 now on node 3\n", client.Stdout);
        Assert.True(started.Pid.Value > 0);
    }
}
