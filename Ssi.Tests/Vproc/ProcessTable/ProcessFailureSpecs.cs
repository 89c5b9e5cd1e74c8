// Multi-node specs of a node crash: its processes die as if killed, orphans go to init, and PIDs of processes elsewhere stay routed.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Permissions;
using Ssi.Tests.Harness;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class ProcessFailureSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(3, prepareRoot: SpecPrograms.Install);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<object> AskService(int node, object message) => _cluster.AskProcesses(node, message, Timeout);

    private Task<(ProgramStarted Started, TerminalClient Client)> Run(int contact, int node, params string[] args) =>
        _cluster.RunAsync(contact, node, Credentials.Root, args, Timeout);

    private static List<int> Children(TerminalClient client) =>
        client.Stdout.Split('\n').First(l => l.StartsWith("children ")).Split(' ').Skip(1).Select(int.Parse).ToList();

    /// <summary>
    /// Found by `ssi chaos`: a session's end sent while the link to its terminal was cut was lost, and the client
    /// waited for ever. The end is now sent until the terminal notes it, even after init has reaped the process.
    /// </summary>
    [Fact]
    public async Task A_sessions_end_is_sent_again_until_its_terminal_notes_it()
    {
        var heard = new System.Collections.Concurrent.ConcurrentQueue<TerminalSessionEnded>();
        var terminal = _cluster[1].System.ActorOf(Props.Create(() => new DeafFirstTerminal(heard)));
        var template = Template(new NodeNumber(2), "true");
        var created = await _cluster[1].System.ActorSelection(new RootActorPath(_cluster[2].Cluster.SelfAddress) / "user" / ProcessService.Name)
            .Ask<object>(new CreateProcess(template, null, "/bin/true", ["true"], terminal), Timeout);
        var pid = Assert.IsType<ProcessCreated>(created).Pid;

        await _cluster.AwaitAsync(() => heard.Count >= 2, Timeout, "the end sent again after the first went unanswered");
        Assert.All(heard, e => Assert.Equal((pid, WaitStatus.Exited(0)), (e.Pid, e.Status)));
        // Noted the second time: no third, and the entity is gone for good (no process 'true' left behind).
        await _cluster.AwaitAsync(async () => await _cluster.QueryOnceAsync(2, pid.Value) is Failed { Errno: Errno.ESRCH }, Timeout, "the process gone");
        var count = heard.Count;
        await Task.Delay(TimeSpan.FromSeconds(5)); // over two retry periods: anything more would have come by now
        Assert.Equal(count, heard.Count);
    }

    /// <summary>A terminal that does not hear the first end of its session (as if the link was cut), then notes each.</summary>
    private sealed class DeafFirstTerminal : ReceiveActor
    {
        public DeafFirstTerminal(System.Collections.Concurrent.ConcurrentQueue<TerminalSessionEnded> heard) =>
            Receive<TerminalSessionEnded>(e =>
            {
                heard.Enqueue(e);
                if (heard.Count > 1) Sender.Tell(new TerminalSessionEndNoted(e.Pid));
            });
    }

    private static ProcessState Template(NodeNumber node, string command) => new()
    {
        Pid = default,
        Parent = Pid.Init,
        ParentNode = null,
        Pgid = default,
        Sid = default,
        Credentials = Credentials.Root,
        Cwd = "/",
        Environment = ImmutableDictionary<string, string>.Empty,
        Fds = FdTable.Empty,
        Node = node,
        StartTime = DateTimeOffset.UtcNow,
        Command = command,
    };

    /// <summary>
    /// A fork whose answer was lost (a partition) asks again with the same request; the node must answer the repeat
    /// with the first answer, not make a second child (found by `ssi chaos`: a "failed" fork left a child behind).
    /// </summary>
    /// <summary>
    /// Found by the shell end-to-end test under load: a child that exited just as its parent did told the parent, by
    /// then a zombie, which noted it and handed it to init. When the note came before the hand-over, the child never
    /// told init, and stayed a zombie for ever. Each round's shell exits while its children are exiting too.
    /// </summary>
    [Fact]
    public async Task Children_that_exit_as_their_parent_does_are_all_reaped_by_init()
    {
        // Children on other nodes, some exiting before the shell does, some as it does, some after.
        var script = string.Concat(Enumerable.Range(0, 24).Select(i => $"onnode {2 + i % 2} sleep 0.0{i % 10} & ")) + "exit 0";
        for (var round = 0; round < 6; round++)
        {
            var (_, client) = await Run(1, 1 + round % 3, "sh", "-c", script);
            Assert.Equal(0, await client.Ended.WaitAsync(Timeout));
        }
        List<string> left = [];
        var reaped = _cluster.AwaitAsync(async () =>
        {
            if (await AskService(2, new ListCluster()) is not ProcessList list) return false;
            left = [.. list.Processes.Where(p => !p.Pid.IsInit).Select(p => $"{p.Pid.Value} {p.State} {p.Command}")];
            return left.Count == 0;
        }, Timeout, "every child reaped");
        var timedOut = await Record.ExceptionAsync(() => reaped);
        Assert.True(timedOut is null, $"{timedOut?.Message}; left: {string.Join("; ", left)}");
    }

    [Fact]
    public async Task A_creation_asked_again_with_the_same_request_makes_one_process_and_gets_the_same_answer()
    {
        var template = Template(new NodeNumber(2), "sleep 1000");
        var request = new CreateProcess(template, null, "/bin/sleep", ["sleep", "1000"], null) { Request = Guid.NewGuid() };
        var node2 = _cluster[1].System.ActorSelection(new RootActorPath(_cluster[2].Cluster.SelfAddress) / "user" / ProcessService.Name);
        // The repeat may arrive while the first is still being made, or after.
        var answers = await Task.WhenAll(node2.Ask<object>(request, Timeout), node2.Ask<object>(request, Timeout));
        answers = [.. answers, await node2.Ask<object>(request, Timeout)];
        var pids = answers.Select(a => Assert.IsType<ProcessCreated>(a).Pid).Distinct().ToList();
        var pid = Assert.Single(pids);
        var listed = await _cluster.AskProcesses(2, new ProcessListQuery(new Pid(0), 1000), Timeout);
        Assert.Single(((ProcessPage)listed).Processes, p => p.Command == "sleep 1000");

        var fresh = await node2.Ask<object>(request with { Request = Guid.NewGuid() }, Timeout);
        Assert.NotEqual(pid, Assert.IsType<ProcessCreated>(fresh).Pid); // another request is another process
        foreach (var p in new[] { pid, ((ProcessCreated)fresh).Pid })
            await _cluster.AskProcesses(2, new KillRequest(Credentials.Root, p.Value, Signal.SIGKILL), Timeout);
    }

    /// <summary>
    /// `ssi run` asked its node once: a lost answer failed the run while its program might be running with its
    /// terminal gone. A run, like a fork, now names its creation and asks again with the same request.
    /// </summary>
    [Fact]
    public async Task A_creation_whose_answer_is_lost_is_asked_again_with_the_same_request_and_gives_up_only_after_its_window()
    {
        var system = _cluster[1].System;
        var node = new NodeNumber(1); // asked of this node's service: here a probe standing in for it
        var request = new CreateProcess(Template(node, "sleep 1"), null, "/bin/sleep", ["sleep", "1"], null) { Request = Guid.NewGuid() };
        var service = new TestProbe(system, new XunitAssertions());

        var created = ProcessService.CreateOnceAsync(system, service.Ref, node, request, TimeSpan.FromMilliseconds(500), Timeout, "the run", Errno.ETIMEDOUT);

        service.ExpectMsg<CreateProcess>(Timeout); // its answer is lost
        var again = service.ExpectMsg<CreateProcess>(Timeout);
        Assert.Equal(request.Request, again.Request);
        service.Reply(new ProcessCreated(new Pid(4242), node));
        Assert.Equal(new ProcessCreated(new Pid(4242), node), await created.WaitAsync(Timeout));

        var silent = new TestProbe(system, new XunitAssertions());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var named = request with { Request = Guid.NewGuid() };
        var unanswered = await ProcessService.CreateOnceAsync(system, silent.Ref, node, named,
            TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), "the run", Errno.ETIMEDOUT).WaitAsync(Timeout);
        var failed = Assert.IsType<Failed>(unanswered);
        Assert.Equal(Errno.ETIMEDOUT, failed.Errno);
        Assert.Contains("did not answer the run for 1 s", failed.Detail);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"gave up after {clock.Elapsed}");
        Assert.All(silent.ReceiveN(2, Timeout), m => Assert.Equal(named.Request, Assert.IsType<CreateProcess>(m).Request));
    }

    [Fact]
    public async Task A_crashed_nodes_processes_die_as_if_killed_and_their_children_elsewhere_go_to_init()
    {
        // A parent on node 3 with a child on node 2 (which ignores the SIGHUP its session gets when its leader dies with
        // node 3, as Linux sends it), and a parent on node 1 with two children on node 3.
        var (_, onThree) = await Run(2, 3, "t-forkbomb", "1", "2", "nohup");
        var (parent, onOne) = await Run(1, 1, "t-forkbomb", "2", "3");
        await _cluster.AwaitAsync(() => onThree.Stdout.Contains("children ") && onOne.Stdout.Contains("children "), Timeout, "the children");
        var orphan = Children(onThree).Single();
        var doomed = Children(onOne);
        Assert.Equal(3, ((ProcessInfo)await AskService(1, new ProcessQuery(new Pid(orphan)))).Ppid.Value / 1_000_000);

        await _cluster.CrashAsync(3);

        // The parent on node 1 collects both children as killed by SIGKILL, exactly once each, and finishes.
        var status = await onOne.Ended.WaitAsync(Timeout);
        Assert.Equal(0, status);
        foreach (var child in doomed)
            Assert.Single(onOne.Stdout.Split('\n'), l => l == $"reaped {child} status 9");
        // The child on node 2 lost its parent with node 3: init is its parent now.
        await _cluster.AwaitAsync(async () => await AskService(2, new ProcessQuery(new Pid(orphan))) is ProcessInfo { Ppid.Value: 1 }, Timeout, "the orphan adopted");
        // The dead node's processes are gone from the process table, asked from any survivor.
        foreach (var pid in doomed)
            Assert.Equal(Errno.ESRCH, Assert.IsType<Failed>(await AskService(2, new ProcessQuery(new Pid(pid)))).Errno);
        var everyone = (ProcessList)await AskService(1, new ListCluster());
        Assert.DoesNotContain(everyone.Processes, p => p.Node.Value == 3);
        Assert.Contains(everyone.Processes, p => p.Pid.Value == orphan);
        Assert.DoesNotContain(everyone.Processes, p => p.Pid == parent.Pid);
    }

    [Fact]
    public async Task A_process_away_from_its_origin_keeps_its_pid_routed_while_the_origin_crashes_and_comes_back()
    {
        var (started, client) = await Run(1, 2, "sleep", "1000");
        var pid = started.Pid;
        Assert.IsType<Migrated>(await AskService(1, new MigrateRequest(Credentials.Root, pid, new NodeNumber(3))));

        await _cluster.CrashAsync(2);
        await _cluster.AwaitAsync(async () => await _cluster.QueryOnceAsync(1, pid.Value) is ProcessInfo { Node.Value: 3 }, Timeout, "the PID routed by a stand-in");

        _cluster.StartNode(2);
        await _cluster.AwaitAsync(() => _cluster.AllUp([1, 2, 3]), Timeout, "node 2 back");
        var shard = new ProcessShardExtractor(10).ShardOf(pid);
        await _cluster.AwaitAsync(async () => (await _cluster.ProcessShardsAsync(2, Timeout)).Shards.Any(s => s.ShardId == shard),
            Timeout, $"shard {shard} home on node 2");

        // The route came home with the shard: from every node, the PID still finds the process on node 3.
        foreach (var via in new[] { 1, 2, 3 })
            await _cluster.AwaitAsync(async () => await _cluster.QueryOnceAsync(via, pid.Value) is ProcessInfo { Node.Value: 3 }, Timeout, $"the PID routed from node {via}");
        Assert.IsType<KillDone>(await AskService(2, new KillRequest(Credentials.Root, pid.Value, Signal.SIGKILL)));
        Assert.Equal(Signal.SIGKILL, WaitStatus.TermSig(await client.Ended.WaitAsync(Timeout)));
    }

    [Fact]
    public async Task A_session_whose_terminal_died_with_its_node_gets_SIGHUP_on_the_node_it_runs_on()
    {
        var (hungUp, _) = await Run(3, 2, "sleep", "1000"); // its terminal on node 3
        var (kept, _) = await Run(1, 2, "sleep", "1001");   // its terminal on node 1, which lives on
        await _cluster.CrashAsync(3);
        // SIGHUP's default action ends the sleep; init reaps it, and its PID answers ESRCH.
        await _cluster.AwaitAsync(async () => await _cluster.QueryOnceAsync(1, hungUp.Pid.Value) is Failed { Errno: Errno.ESRCH }, Timeout,
            "the sleep whose terminal was on node 3 hung up");
        Assert.IsType<ProcessInfo>(await AskService(1, new ProcessQuery(kept.Pid)));
    }
}
