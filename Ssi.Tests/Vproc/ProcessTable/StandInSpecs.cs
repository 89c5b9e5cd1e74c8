// A process away from its origin after the origin crashed: the stand-in that routes its PID follows its later moves,
// so losing a node the process only passed through (or the stand-in's own node) does not lose the PID.
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
}
