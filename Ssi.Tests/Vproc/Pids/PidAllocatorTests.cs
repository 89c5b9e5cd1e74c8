// PIDs: the origin can be read from them, and an allocator never hands out one that is held or was handed out before.
using Ssi.Tests.Harness;
using Ssi.Actors.Identity;
using Ssi.Vproc.Pids;

namespace Ssi.Tests.Vproc.Pids;

public sealed class PidAllocatorTests
{
    [Fact]
    public void A_pid_names_the_node_that_allocated_it()
    {
        var allocator = new PidAllocator(new NodeNumber(3), null, _ => false);
        var pid = allocator.Allocate()!.Value;
        Assert.Equal(new NodeNumber(3), pid.Origin);
        Assert.Equal(3_000_001, pid.Value);
        Assert.Null(Pid.Init.Origin);
        Assert.True(Pid.Init.IsInit);
    }

    [Fact]
    public void Pids_increase_and_are_distinct()
    {
        var allocator = new PidAllocator(new NodeNumber(1), null, _ => false);
        var pids = Enumerable.Range(0, 5000).Select(_ => allocator.Allocate()!.Value.Value).ToList();
        Assert.Equal(pids.Order(), pids);
        Assert.Equal(pids.Count, pids.Distinct().Count());
    }

    [Fact]
    public void A_restarted_node_continues_after_every_pid_its_previous_life_may_have_used()
    {
        using var home = new TempHome();
        var file = Path.Combine(home.Home.Root, "node-2.pids");
        var first = new PidAllocator(new NodeNumber(2), file, _ => false);
        var used = Enumerable.Range(0, 1500).Select(_ => first.Allocate()!.Value.Value).ToList();
        var second = new PidAllocator(new NodeNumber(2), file, _ => false); // the node crashed and came back
        var next = second.Allocate()!.Value.Value;
        Assert.True(next > used.Max(), $"{next} after {used.Max()}");
    }

    [Fact]
    public void After_wrapping_a_pid_still_held_by_a_process_group_or_session_is_skipped()
    {
        using var home = new TempHome();
        var file = Path.Combine(home.Home.Root, "node-1.pids");
        File.WriteAllText(file, (Pid.PerNode - 2).ToString());
        var held = new HashSet<int> { Pid.Of(new NodeNumber(1), 1).Value, Pid.Of(new NodeNumber(1), 2).Value };
        var allocator = new PidAllocator(new NodeNumber(1), file, pid => held.Contains(pid.Value));
        Assert.Equal(Pid.Of(new NodeNumber(1), Pid.PerNode - 1), allocator.Allocate());
        Assert.Equal(Pid.Of(new NodeNumber(1), 3), allocator.Allocate());
    }

    [Fact]
    public void When_every_pid_is_held_there_is_none_to_give()
    {
        var allocator = new PidAllocator(new NodeNumber(1), null, _ => true);
        Assert.Null(allocator.Allocate());
    }
}
