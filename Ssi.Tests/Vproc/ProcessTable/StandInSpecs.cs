// A process away from its origin after the origin crashed: the stand-in that routes its PID follows its later moves,
// so losing a node the process only passed through (or the stand-in's own node) does not lose the PID.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Permissions;
using Ssi.Tests.Harness;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class StandInSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private ClusterHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(4, prepareRoot: SpecPrograms.Install);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task After_its_origin_crashed_a_process_moves_on_and_the_node_it_left_crashes_too_and_its_pid_still_finds_it()
    {
        var (started, client) = await _cluster.RunAsync(1, 2, Credentials.Root, ["sleep", "1000"], Timeout);
        var pid = started.Pid;
        Assert.IsType<Migrated>(await _cluster.AskProcesses(1, new MigrateRequest(Credentials.Root, pid, new NodeNumber(3)), Timeout));

        await _cluster.CrashAsync(2);
        await _cluster.AwaitAsync(async () => await _cluster.QueryOnceAsync(1, pid.Value) is ProcessInfo { Node.Value: 3 }, Timeout, "the PID routed by a stand-in");

        // The move is asked through the stand-in; the stand-in must switch its route to node 4, not keep relying on 3.
        Assert.IsType<Migrated>(await _cluster.AskProcesses(1, new MigrateRequest(Credentials.Root, pid, new NodeNumber(4)), Timeout));
        await _cluster.CrashAsync(3);

        foreach (var via in new[] { 1, 4 })
            await _cluster.AwaitAsync(async () => await _cluster.QueryOnceAsync(via, pid.Value) is ProcessInfo { Node.Value: 4 }, Timeout, $"the PID routed from node {via}");
        Assert.IsType<KillDone>(await _cluster.AskProcesses(4, new KillRequest(Credentials.Root, pid.Value, Signal.SIGKILL), Timeout));
        Assert.Equal(Signal.SIGKILL, WaitStatus.TermSig(await client.Ended.WaitAsync(Timeout)));
    }

    [Fact]
    public async Task An_offer_to_a_node_whose_shard_stands_in_elsewhere_is_refused_so_no_process_dies_when_the_shard_goes_home()
    {
        await _cluster.CrashAsync(3);
        await _cluster.AwaitAsync(() => !_cluster[1].Cluster.State.Members.Any(m => m.HasRole("node-3")), Timeout, "node 3 removed");

        // An offer for node 3 now reaches a stand-in of its shard on another node. A process restored there would be
        // stopped (and lost) when node 3 comes back and its shard is moved home; the offer must be refused instead.
        var pid = Pid.Of(new NodeNumber(3), 77);
        var args = new[] { "sleep", "1000" };
        var image = ProgramImage.Start(new Ssi.Vproc.Programs.Builtin.Sleep(), new ProcessContext(args, ImmutableDictionary<string, string>.Empty));
        var state = new ProcessState
        {
            Pid = pid, Parent = Pid.Init, ParentNode = new NodeNumber(3), Pgid = pid, Sid = pid, Credentials = Credentials.Root,
            Cwd = "/", Node = new NodeNumber(1), StartTime = DateTimeOffset.UtcNow, Command = "sleep",
        };
        var offer = new Arrive(pid, state with { Hop = 1 }, image.Capture(), null, false, null);
        var region = ClusterSharding.Get(_cluster[1].System).ShardRegion(ProcessEntity.TypeName);

        var answer = await region.Ask<object>(new AtNode(new NodeNumber(3), offer), Timeout);
        var refused = Assert.IsType<ArrivalRefused>(answer);
        Assert.Equal(Errno.EAGAIN, refused.Why.Errno);
        Assert.Equal(1, refused.Hop);
        Assert.Equal(Errno.ESRCH, Assert.IsType<Failed>(await _cluster.QueryOnceAsync(1, pid.Value)).Errno);
    }
}
