// The chaos suite's schedule and invariants, checked on made-up observations (no cluster).
using System.Collections.Immutable;
using Ssi.Actors.Identity;
using Ssi.Actors.Membership;
using Ssi.Host.Chaos;
using Ssi.Vproc.Programs;

namespace Ssi.Tests.Host.Chaos;

public class ChaosCheckTests
{
    [Fact]
    public void The_same_seed_draws_the_same_schedule_and_another_seed_another()
    {
        var a = ChaosSchedule.Create(42, TimeSpan.FromMinutes(10), 3);
        var b = ChaosSchedule.Create(42, TimeSpan.FromMinutes(10), 3);
        Assert.Equal(a.Select(f => f.Describe()), b.Select(f => f.Describe()));
        Assert.NotEqual(a.Select(f => f.Describe()), ChaosSchedule.Create(43, TimeSpan.FromMinutes(10), 3).Select(f => f.Describe()));
        Assert.Equal(30, a.Count); // one fault per 20 s, in the first half of its slot
        Assert.All(a, f => Assert.InRange(f.At.TotalSeconds, (f.Index - 1) * 20 + 1.9, (f.Index - 1) * 20 + 10.1));
    }

    [Fact]
    public void Schedules_cover_every_kind_and_never_cut_off_a_majority()
    {
        var faults = Enumerable.Range(1, 20).SelectMany(seed => ChaosSchedule.Create(seed, TimeSpan.FromMinutes(2), 5)).ToList();
        Assert.Equal(Enum.GetValues<FaultKind>().ToHashSet(), faults.Select(f => f.Kind).ToHashSet());
        Assert.All(faults.Where(f => f.Kind == FaultKind.Partition), f => Assert.InRange(f.Nodes.Count, 1, 2));
        Assert.All(faults.Where(f => f.Kind == FaultKind.KillAllButOne), f => Assert.Equal(4, f.Nodes.Count));
        Assert.All(faults.Where(f => f.Kind == FaultKind.Pause), f => Assert.InRange(f.Hold.TotalSeconds, 1, 15));
        Assert.All(faults.SelectMany(f => f.Nodes), n => Assert.InRange(n, 1, 5));
    }

    private static string Forked(int i, int pid) => $"forked {i} {pid}\n";
    private static string Reaped(int pid, int status) => $"reaped {pid} {status}\n";

    [Fact]
    public void A_family_whose_children_were_each_reaped_once_is_clean_even_with_one_lost_to_its_node()
    {
        var log = Forked(1, 100) + Forked(2, 101) + Reaped(101, WaitStatus.Exited(2)) + Reaped(100, WaitStatus.Signaled(9)) + "done\n";
        Assert.Empty(ChaosChecks.Family("f", log));
    }

    [Fact]
    public void A_child_reaped_twice_never_reaped_or_with_a_status_it_never_had_is_a_violation()
    {
        var twice = ChaosChecks.Family("f", Forked(1, 100) + Reaped(100, WaitStatus.Exited(1)) + Reaped(100, WaitStatus.Exited(1)));
        Assert.Contains(twice, v => v.Invariant == Violation.ExitReports && v.Detail.Contains("reported twice"));

        var missing = ChaosChecks.Family("f", Forked(1, 100) + Forked(2, 101) + Reaped(100, WaitStatus.Exited(1)) + "done\n");
        Assert.Contains(missing, v => v.Detail.Contains("without the end of child 101"));

        var wrong = ChaosChecks.Family("f", Forked(3, 100) + Reaped(100, WaitStatus.Signaled(15)) + "done\n");
        Assert.Contains(wrong, v => v.Detail.Contains("neither its exit(3) nor SIGKILL"));

        var echild = ChaosChecks.Family("f", Forked(1, 100) + "echild\n");
        Assert.Contains(echild, v => v.Detail.Contains("no child left while 100"));

        var stranger = ChaosChecks.Family("f", Forked(1, 100) + Reaped(999, WaitStatus.Exited(1)));
        Assert.Contains(stranger, v => v.Detail.Contains("never forked"));
    }

    [Fact]
    public void A_parent_that_died_part_way_leaves_its_unreaped_children_unjudged()
    {
        Assert.Empty(ChaosChecks.Family("f", Forked(1, 100) + Forked(2, 101) + Reaped(100, WaitStatus.Exited(1))));
    }

    [Fact]
    public void Every_acknowledged_record_must_read_back_and_unacknowledged_ones_may_be_anything()
    {
        static byte[] Record(int i) => ChaosRun.Record(7, 0, i);
        var content = Record(0).Concat(new byte[ChaosRun.RecordSize]).Concat(Record(2)).ToArray();
        Assert.Empty(ChaosChecks.LostWrites("d", content, [0, 2], ChaosRun.RecordSize, Record));
        var lost = ChaosChecks.LostWrites("d", content, [0, 1, 2, 3], ChaosRun.RecordSize, Record);
        Assert.Equal(["record 1", "record 3"], lost.Select(v => v.Detail.Split(' ')[1..3]).Select(w => string.Join(' ', w)));
        Assert.Contains("past the end", lost[1].Detail);
    }

    private static NodeTableView View(int observer, params (int Node, NodeState State)[] nodes) =>
        new(new NodeNumber(observer), [.. nodes.Select(n => new NodeInfo(new NodeNumber(n.Node), $"n{n.Node}", n.State, true, null))], 0, 0);

    private static NodeSample Sample(int node, int[] pids, NodeTableView? view = null, Dictionary<string, int>? owners = null) =>
        new(node, pids, view, owners ?? []);

    [Fact]
    public void A_pid_on_two_nodes_counts_only_when_two_rounds_in_a_row_show_it()
    {
        var moving = new[] { Sample(1, [10, 11]), Sample(2, [11]) };
        var settled = new[] { Sample(1, [10]), Sample(2, [11]) };
        Assert.Empty(ChaosChecks.Round(settled, moving)); // a move caught half-way
        Assert.Empty(ChaosChecks.Round(moving, settled));
        var twice = ChaosChecks.Round(moving, moving);
        Assert.Equal(Violation.PidTwice, Assert.Single(twice).Invariant);
        Assert.Contains("nodes 1 and 2", twice[0].Detail);
    }

    [Fact]
    public void Two_owners_of_one_file_and_processes_on_a_node_the_others_downed_are_violations()
    {
        var split = new[]
        {
            Sample(1, [5], View(1, (1, NodeState.UP), (2, NodeState.DOWN), (3, NodeState.DOWN)), new() { ["/chaos/data-0"] = 1 }),
            Sample(2, [6], View(2, (1, NodeState.DOWN), (2, NodeState.UP), (3, NodeState.UP)), new() { ["/chaos/data-0"] = 2 }),
            Sample(3, [], View(3, (1, NodeState.DOWN), (2, NodeState.UP), (3, NodeState.UP)), new() { ["/chaos/data-0"] = 2 }),
        };
        var found = ChaosChecks.Round(split, split);
        Assert.Contains(found, v => v.Invariant == Violation.InodeTwice && v.Detail.Contains("node 1 say node 1 owns it"));
        var downed = ChaosChecks.DownedButServing(split);
        Assert.Equal(1, Assert.Single(downed).Node); // node 2 and 3 are UP in each other's eyes
        Assert.StartsWith("node 1 runs 1 process", downed[0].Violation.Detail);

        var healthy = new[]
        {
            Sample(1, [5], View(1, (1, NodeState.UP), (2, NodeState.UP)), new() { ["/chaos/data-0"] = 2 }),
            Sample(2, [6], View(2, (1, NodeState.UP), (2, NodeState.UP)), new() { ["/chaos/data-0"] = 2 }),
        };
        Assert.Empty(ChaosChecks.Round(healthy, healthy));
        Assert.Empty(ChaosChecks.DownedButServing(healthy));
    }
}
