// The invariants `ssi chaos` checks, as pure functions of what it observed (tested without a cluster).
using System.Globalization;
using Ssi.Actors.Membership;
using Ssi.Vproc.Programs;

namespace Ssi.Host.Chaos;

/// <summary>One broken invariant: which, and what was seen.</summary>
public sealed record Violation(string Invariant, string Detail)
{
    public const string WriteLost = "acknowledged write lost";
    public const string PidTwice = "PID live twice";
    public const string InodeTwice = "inode owned twice";
    public const string ExitReports = "child exit not reported exactly once";
    public const string OnDownNode = "process on a DOWN node";
    public const string DownedNodeRuns = "downed node kept running";
    public const string ClientHangs = "client never ended";
    public const string SignalStatus = "wrong status after a signal";
    public const string NoRecovery = "cluster did not recover";
}

/// <summary>What one node answered in one sampling round; null parts did not answer.</summary>
public sealed record NodeSample(int Node, IReadOnlyList<int>? Pids, NodeTableView? View, IReadOnlyDictionary<string, int>? Owners);

public static class ChaosChecks
{
    /// <summary>
    /// The log of one bench-chaosfamily parent: every child it forked is reaped at most once, with its own exit status
    /// or SIGKILL's (its node was lost); if the parent finished ("done"), every child was reaped exactly once.
    /// </summary>
    public static List<Violation> Family(string name, string log)
    {
        var violations = new List<Violation>();
        var forked = new Dictionary<int, int>();
        var reaped = new Dictionary<int, int>();
        var done = false;
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts is ["forked", var i, var child]) forked[Int(child)] = Int(i);
            else if (parts is ["reaped", var rp, var st])
            {
                var (pid, status) = (Int(rp), Int(st));
                reaped[pid] = reaped.GetValueOrDefault(pid) + 1;
                if (reaped[pid] == 2) violations.Add(new(Violation.ExitReports, $"{name}: the end of child {pid} was reported twice"));
                if (!forked.TryGetValue(pid, out var index))
                    violations.Add(new(Violation.ExitReports, $"{name}: reaped {pid}, a process it never forked"));
                else if (!(WaitStatus.IfExited(status) && WaitStatus.ExitStatus(status) == index)
                         && !(WaitStatus.IfSignaled(status) && WaitStatus.TermSig(status) == Ssi.Actors.Signals.Signal.SIGKILL))
                    violations.Add(new(Violation.ExitReports, $"{name}: child {pid} ended with wait status {status}, neither its exit({index}) nor SIGKILL"));
            }
            else if (line == "done") done = true;
            else if (line == "echild")
                violations.Add(new(Violation.ExitReports, $"{name}: wait found no child left while {string.Join(",", forked.Keys.Where(p => !reaped.ContainsKey(p)))} had not been reported"));
        }
        if (done)
            foreach (var pid in forked.Keys.Where(p => !reaped.ContainsKey(p)))
                violations.Add(new(Violation.ExitReports, $"{name}: finished without the end of child {pid}"));
        return violations;
    }

    /// <summary>Records of <paramref name="size"/> bytes acknowledged as written but not read back as written.</summary>
    public static List<Violation> LostWrites(string file, byte[] content, IEnumerable<int> acked, int size, Func<int, byte[]> record)
    {
        var violations = new List<Violation>();
        foreach (var index in acked.Order())
        {
            var expected = record(index);
            var at = (long)index * size;
            var got = at + size <= content.Length ? content.AsSpan((int)at, size) : ReadOnlySpan<byte>.Empty;
            if (!got.SequenceEqual(expected))
                violations.Add(new(Violation.WriteLost, $"{file}: record {index} (bytes {at}..{at + size - 1}) was acknowledged but reads back {(got.IsEmpty ? "past the end" : "different")}"));
        }
        return violations;
    }

    /// <summary>
    /// What one sampling round shows against the round before: a state seen in two rounds in a row is not a move or a
    /// handoff caught half-way. Returns the findings of this round (each reported once by the caller).
    /// </summary>
    public static List<Violation> Round(IReadOnlyList<NodeSample> previous, IReadOnlyList<NodeSample> current)
    {
        var now = Findings(current);
        var before = Findings(previous).Select(v => v.Key).ToHashSet();
        return [.. now.Where(v => before.Contains(v.Key)).Select(v => v.Violation)];
    }

    private sealed record Finding(string Key, Violation Violation);

    private static List<Finding> Findings(IReadOnlyList<NodeSample> round)
    {
        var findings = new List<Finding>();
        // Two nodes listing the same PID.
        var hosts = new Dictionary<int, List<int>>();
        foreach (var s in round.Where(s => s.Pids is not null))
            foreach (var pid in s.Pids!)
                (hosts.TryGetValue(pid, out var list) ? list : hosts[pid] = []).Add(s.Node);
        foreach (var (pid, nodes) in hosts.Where(h => h.Value.Count > 1))
            findings.Add(new($"pid {pid} on {string.Join(",", nodes)}", new(Violation.PidTwice, $"PID {pid} is listed by nodes {string.Join(" and ", nodes)}")));
        // Nodes naming different owners for the same file.
        var paths = round.Where(s => s.Owners is not null).SelectMany(s => s.Owners!.Keys).Distinct();
        foreach (var path in paths)
        {
            var owners = round.Where(s => s.Owners is not null && s.Owners.ContainsKey(path)).GroupBy(s => s.Owners![path]).ToList();
            if (owners.Count > 1)
                findings.Add(new($"owners of {path}: {string.Join(";", owners.Select(g => g.Key))}", new(Violation.InodeTwice,
                    $"{path}: " + string.Join(", ", owners.Select(g => $"node{(g.Count() > 1 ? "s" : "")} {string.Join(",", g.Select(s => s.Node))} say node {g.Key} owns it")))));
        }
        return findings;
    }

    /// <summary>
    /// Nodes that think themselves UP and list processes while every other node that answered has downed them. For a
    /// moment that is normal (the losing side of a partition downs itself only after the resolver's delay and a look
    /// at the lease): the caller counts it as a violation once it lasts <see cref="DownedNodeGrace"/>.
    /// </summary>
    public static List<(int Node, Violation Violation)> DownedButServing(IReadOnlyList<NodeSample> round)
    {
        var found = new List<(int, Violation)>();
        foreach (var s in round.Where(s => s.Pids is { Count: > 0 } && s.View is not null && StateIn(s.View, s.Node) == NodeState.UP))
        {
            var others = round.Where(o => o.Node != s.Node && o.View is not null && StateIn(o.View, o.Node) == NodeState.UP).ToList();
            if (others.Count > 0 && others.All(o => StateIn(o.View!, s.Node) == NodeState.DOWN))
                found.Add((s.Node, new(Violation.OnDownNode,
                    $"node {s.Node} runs {s.Pids!.Count} process(es) ({string.Join(",", s.Pids.Take(5))}...) {DownedNodeGrace.TotalSeconds:0} s after nodes {string.Join(",", others.Select(o => o.Node))} had it DOWN")));
        }
        return found;
    }

    /// <summary>
    /// Longer than a losing side takes to stop: stable-after (1.5 s), the minority's delay (1 s), an acquire that
    /// finds the lease held (up to 5 s), and its shutdown.
    /// </summary>
    public static readonly TimeSpan DownedNodeGrace = TimeSpan.FromSeconds(15);

    private static NodeState? StateIn(NodeTableView view, int node) =>
        view.Nodes.FirstOrDefault(n => n.Node.Value == node)?.State;

    private static int Int(string text) => int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
