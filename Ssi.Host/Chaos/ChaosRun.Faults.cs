// `ssi chaos`: the faults (kill, pause, partition, restart) and the wait for the cluster to agree again after each.
using System.Diagnostics;
using Ssi.Actors.Membership;
using Ssi.Host.Client;
using Ssi.Host.Launcher;

namespace Ssi.Host.Chaos;

public sealed partial class ChaosRun
{
    private async Task<string> InjectAsync(Fault fault, CancellationToken ct)
    {
        var incarnations = fault.Nodes.ToDictionary(n => n, n => NodeProcess.LivePid(cluster.Home, n));
        var others = Enumerable.Range(1, nodes).Except(fault.Nodes).ToList();
        switch (fault.Kind)
        {
            case FaultKind.Kill or FaultKind.KillAllButOne:
                await cluster.RemoveAsync(fault.Nodes.Where(n => incarnations[n] is not null).ToList(), ct);
                await ForgetDirectAsync(fault.Nodes);
                await Task.Delay(fault.Hold, ct);
                break;
            case FaultKind.Pause:
                foreach (var pid in incarnations.Values.OfType<int>()) NodeProcess.Signal(pid, PosixSignalNumber.SIGSTOP);
                try
                {
                    await Task.Delay(fault.Hold, ct);
                }
                finally
                {
                    // Also when interrupted: a stopped node would ignore the SIGTERM of the clean-up.
                    foreach (var pid in incarnations.Values.OfType<int>()) NodeProcess.Signal(pid, PosixSignalNumber.SIGCONT);
                }
                break;
            case FaultKind.Partition:
                await SetLinksAsync(fault.Nodes, others, cut: true, ct);
                await Task.Delay(fault.Hold, ct);
                await MendAsync(ct);
                break;
            case FaultKind.Restart:
                foreach (var (n, pid) in incarnations)
                {
                    if (pid is null) continue;
                    NodeProcess.Signal(pid.Value, PosixSignalNumber.SIGTERM);
                    if (!await NodeProcess.WaitForExitAsync(pid.Value, n, TimeSpan.FromSeconds(60)))
                        Violate(new(Violation.NoRecovery, $"node {n} did not stop within 60 s of SIGTERM"));
                }
                await ForgetDirectAsync(fault.Nodes);
                break;
        }
        return await RecoverAsync(ct);
    }

    private async Task SetLinksAsync(IReadOnlyList<int> side, IReadOnlyList<int> otherSide, bool cut, CancellationToken ct)
    {
        var run = ClusterRunFile.Read(cluster.Home)!;
        foreach (var (from, to) in side.Select(a => (a, otherSide)).Concat(otherSide.Select(b => (b, side))))
        {
            try
            {
                await Direct(from).Processes.SetLinksAsync(from, to.Select(run.HostPort), cut, Ask, ct);
            }
            catch (ClientException e)
            {
                say($"             node {from} did not cut its links: {e.Message}");
            }
        }
    }

    /// <summary>How long a node that is slow to answer is asked again to mend its links.</summary>
    private static readonly TimeSpan MendFor = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Every live node lets its links to every other node through again (named, so a node on a reused port is reached
    /// too), asked again until it answers: a link left cut outlives its fault, and a node started again later cannot
    /// join past it (found by `ssi chaos`: one unanswered mend downed the restarted node and the one that still cut it).
    /// A node that stops meanwhile needs nothing: a new incarnation starts with every link whole.
    /// </summary>
    private async Task MendAsync(CancellationToken ct)
    {
        var run = ClusterRunFile.Read(cluster.Home)!;
        var pending = cluster.LiveNodes().ToList();
        var until = DateTime.UtcNow + MendFor;
        var lastError = new Dictionary<int, string>();
        while (pending.Count > 0)
        {
            foreach (var n in pending.ToList())
            {
                try
                {
                    await Direct(n).Processes.SetLinksAsync(n, Enumerable.Range(1, nodes).Where(m => m != n && run.Ports.ContainsKey(m)).Select(run.HostPort), cut: false, Ask, ct);
                    pending.Remove(n);
                }
                catch (ClientException e)
                {
                    lastError[n] = e.Message;
                }
            }
            pending.RemoveAll(n => !cluster.LiveNodes().Contains(n));
            if (pending.Count == 0) return;
            if (DateTime.UtcNow > until) break;
            await Task.Delay(500, ct);
        }
        foreach (var n in pending) say($"             node {n} did not mend its links in {MendFor.TotalSeconds:0} s: {lastError.GetValueOrDefault(n)}");
    }

    /// <summary>
    /// Waits until every live node sees every live node UP and every dead one DOWN or gone; a node the others have
    /// downed must exit on its own within <see cref="DownedNodeExitsWithin"/>. Then starts the dead nodes again.
    /// </summary>
    private async Task<string> RecoverAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var downedSince = new Dictionary<int, TimeSpan>();
        var exited = new List<int>();
        var before = cluster.LiveNodes();
        while (true)
        {
            var live = cluster.LiveNodes();
            exited.AddRange(before.Except(live).Except(exited));
            var views = new Dictionary<int, NodeTableView>();
            foreach (var n in live)
            {
                try
                {
                    views[n] = (await Direct(n).StatusAsync(n, Ask, ct)).View;
                }
                catch (ClientException)
                {
                    // Still booting, paused a moment ago, or on its way out.
                }
            }
            bool Sees(NodeTableView view, int m, bool up) => view.Nodes.FirstOrDefault(i => i.Node.Value == m) is var info
                && (up ? info is { State: NodeState.UP, Reachable: true } : info is null || info.State == NodeState.DOWN);
            var dead = Enumerable.Range(1, nodes).Except(live).ToList();
            if (views.Count == live.Count && views.Values.All(v => live.All(m => Sees(v, m, up: true)) && dead.All(d => Sees(v, d, up: false))))
                break;
            foreach (var n in live)
            {
                var judges = views.Where(v => v.Key != n).Select(v => v.Value).ToList();
                if (judges.Count > 0 && judges.All(v => Sees(v, n, up: false)))
                {
                    downedSince.TryAdd(n, clock.Elapsed);
                    if (clock.Elapsed - downedSince[n] > DownedNodeExitsWithin && NodeProcess.LivePid(cluster.Home, n) is { } pid)
                    {
                        Violate(new(Violation.DownedNodeRuns, $"node {n} (pid {pid}) still runs {DownedNodeExitsWithin.TotalSeconds:0} s after nodes {string.Join(",", views.Keys.Where(k => k != n))} had it DOWN"));
                        NodeProcess.Signal(pid, PosixSignalNumber.SIGKILL);
                        await NodeProcess.WaitForExitAsync(pid, n, TimeSpan.FromSeconds(10));
                    }
                }
                else downedSince.Remove(n);
            }
            if (clock.Elapsed > ConvergeWithin)
            {
                Violate(new(Violation.NoRecovery, $"no agreement {ConvergeWithin.TotalSeconds:0} s after the fault: " + string.Join("; ",
                    views.Select(v => $"node {v.Key} sees " + string.Join(",", v.Value.Nodes.Select(i => $"{i.Node}:{i.State}{(i.Reachable ? "" : "?")}"))))));
                return "the cluster did not converge";
            }
            await Task.Delay(250, ct);
        }
        var gone = Enumerable.Range(1, nodes).Except(cluster.LiveNodes()).ToList();
        var converged = $"converged after {clock.Elapsed.TotalSeconds:0.0} s";
        if (exited.Count > 0) converged += $"; node{(exited.Count > 1 ? "s" : "")} {string.Join(",", exited)} exited on {(exited.Count > 1 ? "their" : "its")} own";
        if (gone.Count == 0) return converged;
        if (gone.Count == nodes)
        {
            Violate(new(Violation.NoRecovery, "every node is gone"));
            return converged;
        }
        await ForgetDirectAsync(gone);
        try
        {
            await cluster.AddAsync(gone, ct);
        }
        catch (LauncherException e)
        {
            Violate(new(Violation.NoRecovery, $"nodes {string.Join(",", gone)} could not be started again: {e.Message}"));
            return converged;
        }
        return $"{converged}; started node{(gone.Count > 1 ? "s" : "")} {string.Join(",", gone)} again ({clock.Elapsed.TotalSeconds:0.0} s)";
    }
}
