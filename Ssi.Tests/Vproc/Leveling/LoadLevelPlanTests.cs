// The leveling plan alone: who moves where, for given loads.
using Ssi.Actors.Identity;
using Ssi.Vproc.Leveling;

namespace Ssi.Tests.Vproc.Leveling;

public sealed class LoadLevelPlanTests
{
    private static IReadOnlyList<(int Pid, int To)> Plan(int mine, Dictionary<int, int> others, int candidates, int imbalance = 2, int maxMoves = 16) =>
        [.. LoadLeveler.Plan(mine, others.ToDictionary(o => new NodeNumber(o.Key), o => o.Value), [.. Enumerable.Range(100, candidates).Select(p => new Pid(p))], imbalance, maxMoves)
            .Select(m => (m.Pid.Value, m.To.Value))];

    [Fact]
    public void Twelve_on_one_of_three_nodes_go_four_to_each_other_node_alternately()
    {
        var plan = Plan(12, new() { [2] = 0, [3] = 0 }, 12);
        Assert.Equal(8, plan.Count);
        Assert.Equal([2, 3, 2, 3, 2, 3, 2, 3], plan.Select(m => m.To));
        Assert.Equal(Enumerable.Range(100, 8), plan.Select(m => m.Pid));
    }

    [Theory]
    [InlineData(5, 4, 4)] // a gap of 1 never moves: the move would only swap the loads
    [InlineData(4, 4, 4)]
    [InlineData(3, 5, 4)] // below the mean: it is the others' turn to shed
    [InlineData(4, 3, 4)] // a gap of 1 again, whatever the mean
    public void Loads_within_one_of_each_other_or_below_the_mean_stay(int mine, int b, int c) =>
        Assert.Empty(Plan(mine, new() { [2] = b, [3] = c }, mine));

    [Fact]
    public void Only_candidates_move_so_pinned_processes_stay_and_the_rest_is_shed_as_far_as_it_goes()
    {
        var plan = Plan(10, new() { [2] = 0 }, 2);
        Assert.Equal(2, plan.Count);
        Assert.All(plan, m => Assert.Equal(2, m.To));
    }

    [Fact]
    public void A_larger_imbalance_and_the_cap_per_round_are_honoured()
    {
        Assert.Empty(Plan(6, new() { [2] = 3 }, 6, imbalance: 4));
        Assert.Single(Plan(7, new() { [2] = 3 }, 7, imbalance: 4));
        Assert.Equal(3, Plan(30, new() { [2] = 0, [3] = 0 }, 30, maxMoves: 3).Count);
    }

    [Fact]
    public void With_no_other_node_leveling_nothing_moves() => Assert.Empty(Plan(9, new(), 9));
}
