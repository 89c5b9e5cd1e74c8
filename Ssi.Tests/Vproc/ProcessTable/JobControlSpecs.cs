// Multi-node specs of the kernel side of job control: stops and continues reported across nodes, orphaned stopped jobs, #! scripts.
using System.Text;
using Akka.Actor;
using Ssi.Actors.Protocol;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Permissions;
using Ssi.Cfs.Service;
using Ssi.Cfs.Storage;
using Ssi.Tests.Harness;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class JobControlSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: Prepare);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>The spec programs, and /bin/t-script: a #! script whose interpreter is echo.</summary>
    private static void Prepare(IInodeStore store)
    {
        SpecPrograms.Install(store);
        var bin = store.Lookup(InodeNumber.Root, "bin").Value;
        var script = store.Create(bin, "t-script", new NewInode(InodeType.Regular, 0x1ED, 0, 0)).Value.Ino;
        store.Write(script, 0, Encoding.UTF8.GetBytes("#!/bin/echo from the script:\nnever read by echo\n"));
    }

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
    public async Task A_parent_on_node_1_sees_its_child_on_node_3_stopped_continued_and_killed_through_a_group_wait_with_a_SIGCHLD_each()
    {
        var (_, client) = await _cluster.RunAsync(1, 1, Credentials.Root, ["t-jobwait", "3"], Timeout);
        Assert.Equal(0, await Exited(client));
        Assert.Equal("child stopped by 19\nchild continued\nchild killed by 15\nthen: ECHILD\nsigchld 3\n", client.Stdout);
    }

    [Fact]
    public async Task A_parent_that_exits_leaving_a_stopped_job_on_another_node_orphans_it_and_the_job_gets_SIGHUP_then_SIGCONT()
    {
        var (_, client) = await _cluster.RunAsync(2, 2, Credentials.Root, ["t-orphanjob", "3", "/tmp/orphanjob"], Timeout);
        Assert.Equal(0, await Exited(client));
        Assert.Matches(@"^job \d+ stopped by 19\n$", client.Stdout);
        var text = "";
        try
        {
            await _cluster.AwaitAsync(async () =>
            {
                var reply = await _cluster[1].System.ActorSelection("/user/fs").Ask<object>(new FsRead(Credentials.Root, "/tmp/orphanjob", 0, 100), Timeout);
                text = reply is FsData data ? Encoding.UTF8.GetString(data.Data) : "";
                return text.EndsWith('\n');
            }, Timeout, "the orphaned job's report");
        }
        catch (TimeoutException)
        {
            var processes = (ProcessList)await _cluster.AskProcesses(1, new ListCluster(), Timeout);
            throw new Xunit.Sdk.XunitException("no report from the job; the processes: " + string.Join("; ", processes.Processes.Select(p => $"{p.Pid} ppid {p.Ppid} pgid {p.Pgid} sid {p.Sid} {p.StateLetter} {p.Command}")));
        }
        var job = int.Parse(text.Split(' ')[0]);
        Assert.Equal($"{job} hup 1\n", text);
        Assert.Equal(new NodeNumber(3), new Pid(job).Origin);
        // It went on after SIGCONT and exited; init reaps it.
        await _cluster.AwaitAsync(async () => await _cluster.AskProcesses(1, new ProcessQuery(new Pid(job)), Timeout) is Failed { Errno: Errno.ESRCH }, Timeout, "the job reaped");
    }

    [Fact]
    public async Task A_hash_bang_script_runs_its_interpreter_with_the_script_path_and_its_arguments()
    {
        var (_, client) = await _cluster.RunAsync(1, 2, Credentials.Root, ["t-script", "a", "b"], Timeout);
        Assert.Equal(0, await Exited(client));
        Assert.Equal("from the script: /bin/t-script a b\n", client.Stdout);
    }

    [Fact]
    public async Task Timeout_ends_a_command_that_outlives_its_duration_with_124_and_passes_on_the_status_of_one_that_does_not()
    {
        async Task<string> Status(params string[] argv)
        {
            var (_, client) = await _cluster.RunAsync(1, 2, Credentials.Root, argv, Timeout);
            var status = await Exited(client);
            var code = WaitStatus.IfExited(status) ? $"exit {WaitStatus.ExitStatus(status)}" : $"signal {WaitStatus.TermSig(status)}";
            return $"{string.Join(' ', argv)}: {code}";
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("timeout 0.3 sleep 60: exit 124", await Status("timeout", "0.3", "sleep", "60"));
        Assert.Equal("timeout -s KILL 0.3 sleep 60: exit 137", await Status("timeout", "-s", "KILL", "0.3", "sleep", "60"));
        // nohup's sleep ignores the HUP sent at 3 s (nohup has started by then); the KILL of -k ends it 0.3 s later.
        Assert.Equal("timeout -s HUP -k 0.3 3 nohup sleep 60: exit 137", await Status("timeout", "-s", "HUP", "-k", "0.3", "3", "nohup", "sleep", "60"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), $"the sleeps were not cut short: {clock.Elapsed}");
        Assert.Equal("timeout 30 true: exit 0", await Status("timeout", "30", "true"));
        Assert.Equal("timeout 30 false: exit 1", await Status("timeout", "30", "false"));
        Assert.Equal("timeout 30 nosuch: exit 127", await Status("timeout", "30", "nosuch"));
        Assert.Equal("timeout -s NOPE 1 true: exit 125", await Status("timeout", "-s", "NOPE", "1", "true"));
    }
}
