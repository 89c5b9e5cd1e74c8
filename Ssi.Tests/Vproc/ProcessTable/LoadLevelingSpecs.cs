// Multi-node specs of load leveling: CPU-bound processes started on one node spread out, settle, and pinned ones stay.
using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Permissions;
using Ssi.Tests.Harness;
using Ssi.Vproc.Leveling;
using Ssi.Vproc.Migration;
using Ssi.Vproc.ProcessTable;

namespace Ssi.Tests.Vproc.ProcessTable;

public sealed class LoadLevelingSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private ClusterHarness _cluster = null!;
    private readonly ConcurrentQueue<LoadLevelRound> _rounds = new();

    public async Task InitializeAsync()
    {
        _cluster = await ClusterHarness.StartAsync(3, ConfigurationFactory.ParseString(
            "ssi.vproc.load-leveling { interval = 300ms, settle = 1500ms }"), prepareRoot: SpecPrograms.Install);
        foreach (var host in _cluster.Nodes.Values)
        {
            var collector = host.System.ActorOf(Props.Create(() => new RoundCollector(_rounds)));
            host.System.EventStream.Subscribe(collector, typeof(LoadLevelRound));
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<object> Ask(int node, object message) => _cluster.AskProcesses(node, message, Timeout);

    private async Task<int[]> StartBurners(int count)
    {
        var pids = new List<int>();
        for (var i = 0; i < count; i++) pids.Add(((await _cluster.RunAsync(1, 1, Credentials.Root, ["burn"], Timeout)).Started.Pid).Value);
        return [.. pids];
    }

    private async Task<Dictionary<int, int>> NodesOf(IEnumerable<int> pids)
    {
        var nodes = new Dictionary<int, int>();
        foreach (var pid in pids) nodes[pid] = (((ProcessInfo)await Ask(2, new ProcessQuery(new Pid(pid)))).Node).Value;
        return nodes;
    }

    private static string Spread(Dictionary<int, int> nodes) =>
        string.Join(" ", Enumerable.Range(1, 3).Select(n => $"node {n}: {nodes.Values.Count(v => v == n)}"));

    private async Task<Dictionary<int, int>> AwaitSpread(IEnumerable<int> pids, Func<Dictionary<int, int>, bool> settled, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var nodes = await NodesOf(pids);
            if (settled(nodes)) return nodes;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {Timeout}; now {Spread(nodes)}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until every node has levelled <paramref name="rounds"/> more times, and returns the moves they made meanwhile.</summary>
    private async Task<List<LoadMove>> MovesDuringNextRounds(int rounds)
    {
        var seen = _rounds.ToArray();
        var from = Enumerable.Range(1, 3).ToDictionary(n => n, n => seen.Where(r => r.Node.Value == n).Select(r => r.Round).DefaultIfEmpty(0).Max());
        await _cluster.AwaitAsync(() => Enumerable.Range(1, 3).All(n => _rounds.Any(r => r.Node.Value == n && r.Round >= from[n] + rounds)),
            Timeout, () => $"{rounds} more rounds on every node (from {string.Join(",", from.Values)}; now {string.Join(",", Enumerable.Range(1, 3).Select(n => _rounds.Where(r => r.Node.Value == n).Select(r => r.Round).DefaultIfEmpty(0).Max()))})");
        return [.. _rounds.Where(r => r.Round > from[r.Node.Value]).SelectMany(r => r.Moves)];
    }

    [Fact]
    public async Task Twelve_burners_on_node_1_spread_over_three_nodes_then_settle_and_a_pinned_one_stays()
    {
        var burners = await StartBurners(12);
        var pinned = await StartBurners(1);
        Assert.IsType<PinSet>(await Ask(1, new PinRequest(Credentials.Root, new Pid(pinned[0]), true)));

        // Off by default: node 1 reports 13 runnable processes and nobody moves them.
        await _cluster.AwaitAsync(() => _rounds.Any(r => r.Node.Value == 2 && r.Runnable.GetValueOrDefault(new NodeNumber(1)) == 13), Timeout,
            () => $"node 2 hearing node 1's load (last heard by 1: {LastHeard(1)}; by 2: {LastHeard(2)}; by 3: {LastHeard(3)}; rounds {_rounds.Count})");
        Assert.Empty(await MovesDuringNextRounds(3));

        var table = Assert.IsType<LoadTable>(await Ask(2, new LoadLevelRequest(Credentials.Root, null, true)));
        Assert.All(table.Nodes, n => Assert.True(n.Enabled));
        Assert.Equal([1, 2, 3], table.Nodes.Select(n => n.Node.Value));

        // 13 runnable, 12 movable: node 1 keeps 5 (the mean is 4.33 and a move needs a gap of 2), the others take 4 each.
        // Even, and every move decided so far has landed: a move still in flight would change the spread afterwards.
        var spread = await AwaitSpread(burners.Concat(pinned), nodes =>
            Enumerable.Range(1, 3).All(n => nodes.Values.Count(v => v == n) is 4 or 5) && DecidedMovesLanded(nodes), "an even spread");
        Assert.Equal(1, spread[pinned[0]]);

        // Hysteresis: once even, nothing moves again, even after every process has settled where it is.
        var later = await MovesDuringNextRounds(12);
        Assert.Empty(later);
        Assert.Equal(spread, await NodesOf(burners.Concat(pinned)));

        var loads = Assert.IsType<LoadTable>(await Ask(3, new LoadLevelRequest(Credentials.Root, null, null)));
        Assert.Equal(13, loads.Nodes.Sum(n => n.Runnable));
        Assert.All(loads.Nodes, n => Assert.True(n.Cpu > 0, $"node {n.Node} reports no CPU use"));

        Assert.IsType<GroupSignalled>(await Ask(1, new KillGroup(null, Signal.SIGKILL, 0, new Pid(0))));
    }

    [Fact]
    public async Task A_node_with_leveling_off_neither_sheds_nor_takes_and_only_root_may_switch_it()
    {
        var denied = await Ask(1, new LoadLevelRequest(new Credentials(1000, 1000, []), null, true));
        Assert.Equal(Errno.EPERM, Assert.IsType<Failed>(denied).Errno);
        Assert.Equal(Errno.EHOSTDOWN, Assert.IsType<Failed>(await Ask(1, new LoadLevelRequest(Credentials.Root, new NodeNumber(9), true))).Errno);

        foreach (var node in new[] { 1, 2 })
        {
            var table = Assert.IsType<LoadTable>(await Ask(3, new LoadLevelRequest(Credentials.Root, new NodeNumber(node), true)));
            Assert.True(table.Nodes.Single(n => n.Node.Value == node).Enabled);
        }
        var burners = await StartBurners(6);
        var spread = await AwaitSpread(burners, nodes => nodes.Values.Count(v => v == 1) == 3 && nodes.Values.Count(v => v == 2) == 3,
            "three burners on node 2");
        Assert.DoesNotContain(3, spread.Values);
        Assert.DoesNotContain(await MovesDuringNextRounds(8), m => m.To.Value == 3 || m.From.Value == 3);

        Assert.IsType<GroupSignalled>(await Ask(1, new KillGroup(null, Signal.SIGKILL, 0, new Pid(0))));
    }

    /// <summary>True when each process some node decided to move is where its last decided move sends it.</summary>
    private bool DecidedMovesLanded(Dictionary<int, int> nodes)
    {
        var lastTarget = new Dictionary<int, int>();
        foreach (var move in _rounds.ToArray().SelectMany(r => r.Moves)) lastTarget[move.Pid.Value] = move.To.Value;
        return lastTarget.All(t => !nodes.TryGetValue(t.Key, out var node) || node == t.Value);
    }

    private string LastHeard(int node) =>
        _rounds.LastOrDefault(r => r.Node.Value == node) is { } r ? string.Join(", ", r.Runnable.Select(l => $"node {l.Key}: {l.Value}")) : "nothing";

    private sealed class RoundCollector : ReceiveActor
    {
        public RoundCollector(ConcurrentQueue<LoadLevelRound> rounds) => Receive<LoadLevelRound>(rounds.Enqueue);
    }
}
