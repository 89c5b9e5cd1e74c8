// The job-control rules of the core: stops and continues told to the parent, wait's WUNTRACED, WCONTINUED and group selectors.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class JobControlRuleTests
{
    private static readonly Pid Parent = new(1_000_002);
    private static readonly Pid Child = new(1_000_011);

    private static ChildStateChanged Told(int? report, int pgid = 1_000_002) => new(Parent, new Pid(Self), new Pid(pgid), report);

    private static IEnumerable<object> Sent(CallStep step) =>
        step.Effects.OfType<CallEffect.Do>().Select(d => d.Effect).OfType<Send>().Select(s => s.Message);

    [Fact]
    public void Wait_status_macros_read_stops_and_continues_as_Linux_encodes_them()
    {
        var stopped = WaitStatus.Stopped(Signal.SIGTSTP);
        Assert.Equal(0x147F, stopped);
        Assert.True(WaitStatus.IfStopped(stopped));
        Assert.Equal(Signal.SIGTSTP, WaitStatus.StopSig(stopped));
        Assert.False(WaitStatus.IfExited(stopped) || WaitStatus.IfSignaled(stopped) || WaitStatus.IfContinued(stopped));
        Assert.Equal(0xFFFF, WaitStatus.Continued);
        Assert.True(WaitStatus.IfContinued(WaitStatus.Continued));
        Assert.False(WaitStatus.IfExited(WaitStatus.Continued) || WaitStatus.IfSignaled(WaitStatus.Continued) || WaitStatus.IfStopped(WaitStatus.Continued));
        Assert.False(WaitStatus.IfStopped(WaitStatus.Exited(0)) || WaitStatus.IfStopped(WaitStatus.Signaled(Signal.SIGKILL)));
        Assert.Equal(148, WaitStatus.ShellCode(stopped));
        Assert.Equal((2, 8), ((int)WaitOptions.Untraced, (int)WaitOptions.Continued));
    }

    [Fact]
    public void A_stop_before_the_next_step_tells_the_parent_the_stop_signal_once()
    {
        var stopped = CallSteps.Decide(InFlight.Idle, Ann_process(), new CallInput.StopBeforeStep(SysResult.Ok(0), Signal.SIGTSTP), false, World);
        Assert.Equal(RunState.Stopped, stopped.State.State);
        Assert.Equal([Told(WaitStatus.Stopped(Signal.SIGTSTP))], Sent(stopped));
    }

    [Fact]
    public void A_stop_during_a_waiting_call_and_the_SIGCONT_that_ends_it_are_each_told_to_the_parent()
    {
        var sleeping = CallSteps.Decide(InFlight.Idle, Ann_process(), new CallInput.Sleep(new Sleep(TimeSpan.FromSeconds(9)), TimeSpan.FromSeconds(9)), false, World);
        var posted = sleeping.State with { Signals = sleeping.State.Signals.Post(Signal.SIGTTIN) };
        var stopped = CallSteps.Decide(sleeping.Calls, posted, new CallInput.SignalPosted(), false, World);
        Assert.Equal(RunState.Stopped, stopped.State.State);
        Assert.Equal([Told(WaitStatus.Stopped(Signal.SIGTTIN))], Sent(stopped));
        var again = stopped.State with { Signals = stopped.State.Signals.Post(Signal.SIGSTOP) };
        Assert.Empty(Sent(CallSteps.Decide(stopped.Calls, again, new CallInput.SignalPosted(), false, World))); // stopped already
        var continuing = stopped.State with { Signals = stopped.State.Signals.Post(Signal.SIGCONT) };
        var continued = CallSteps.Decide(stopped.Calls, continuing, new CallInput.SignalPosted(), false, World);
        Assert.Equal(RunState.Sleeping, continued.State.State);
        Assert.Equal([Told(WaitStatus.Continued)], Sent(continued));
    }

    [Fact]
    public void A_process_whose_parent_is_init_tells_nobody()
    {
        var orphan = Ann_process() with { Parent = Pid.Init, ParentNode = null };
        var stopped = CallSteps.Decide(InFlight.Idle, orphan, new CallInput.StopBeforeStep(SysResult.Ok(0), Signal.SIGSTOP), false, World);
        Assert.Equal(RunState.Stopped, stopped.State.State);
        Assert.Empty(Sent(stopped));
    }

    [Fact]
    public void Wait_reports_a_stopped_child_only_under_WUNTRACED_and_only_once()
    {
        var state = Family.ChildStateChanged(Ann_process().WithChild(Child.Value), new ChildStateChanged(new Pid(Self), Child, new Pid(7), WaitStatus.Stopped(Signal.SIGTSTP)))!;
        Assert.IsType<Block>(Decide(state, new Wait()).Waiting);
        Assert.Equal(0, Decide(state, new Wait(-1, WaitOptions.NoHang | WaitOptions.Continued)).Result!.Value);
        var reported = Decide(state, new Wait(-1, WaitOptions.Untraced));
        Assert.Equal((Child.Value, WaitStatus.Stopped(Signal.SIGTSTP)), ((int)reported.Result!.Value, reported.Result.Status));
        Assert.Empty(reported.Effects); // not reaped
        Assert.True(reported.State.Children.ContainsKey(Child));
        Assert.Equal(0, Decide(reported.State, new Wait(Child.Value, WaitOptions.Untraced | WaitOptions.NoHang)).Result!.Value);
    }

    [Fact]
    public void Wait_reports_a_continued_child_under_WCONTINUED_and_a_newer_change_replaces_one_not_reported()
    {
        var state = Ann_process().WithChild(Child.Value);
        state = Family.ChildStateChanged(state, new ChildStateChanged(new Pid(Self), Child, new Pid(7), WaitStatus.Stopped(Signal.SIGSTOP)))!;
        state = Family.ChildStateChanged(state, new ChildStateChanged(new Pid(Self), Child, new Pid(7), WaitStatus.Continued))!;
        Assert.Equal(0, Decide(state, new Wait(-1, WaitOptions.Untraced | WaitOptions.NoHang)).Result!.Value);
        var reported = Decide(state, new Wait(-1, WaitOptions.Continued | WaitOptions.Untraced));
        Assert.Equal((Child.Value, WaitStatus.Continued), ((int)reported.Result!.Value, reported.Result.Status));
        Assert.IsType<Block>(Decide(reported.State, new Wait(-1, WaitOptions.Continued)).Waiting);
    }

    [Fact]
    public void An_exit_outranks_a_stop_and_a_change_after_the_exit_is_dropped()
    {
        var state = Family.ChildStateChanged(Ann_process().WithChild(Child.Value), new ChildStateChanged(new Pid(Self), Child, new Pid(7), WaitStatus.Stopped(Signal.SIGSTOP)))!;
        state = Family.ChildExited(state, Child, WaitStatus.Signaled(Signal.SIGKILL), new Pid(7))!;
        Assert.Null(Family.ChildStateChanged(state, new ChildStateChanged(new Pid(Self), Child, new Pid(7), WaitStatus.Continued)));
        var reaped = Decide(state, new Wait(-1, WaitOptions.Untraced));
        Assert.Equal(WaitStatus.Signaled(Signal.SIGKILL), reaped.Result!.Status);
        Assert.Contains(new Send(Destination.Processes, new Reap(Child)), reaped.Effects);
    }

    [Fact]
    public void Wait_on_zero_or_minus_a_group_chooses_the_children_in_that_group()
    {
        var inOwn = new Pid(1_000_020);
        var inJob = new Pid(1_000_030);
        var state = new OnForked().Complete(Ann_process(), new ProcessCreated(inOwn, new NodeNumber(1)), World).State; // the parent's group at fork
        state = Family.ChildStateChanged(state.WithChild(inJob.Value, node: 2), new ChildStateChanged(new Pid(Self), inJob, inJob, null))!;
        state = Family.ChildExited(state, inJob, WaitStatus.Exited(3), inJob)!;
        Assert.IsType<Block>(Decide(state, new Wait(0)).Waiting); // the own group's child still runs
        Assert.Equal(inJob.Value, Decide(state, new Wait(-inJob.Value)).Result!.Value);
        Assert.Equal(inJob.Value, Decide(state, new Wait(-1)).Result!.Value);
        Decide(state, new Wait(-4242)).AssertFails(Errno.ECHILD);
    }

    [Fact]
    public void Setpgid_and_setsid_tell_the_parent_the_new_group_and_the_parents_setpgid_records_it()
    {
        var own = Decide(Ann_process(), new SetPgid(0, 0));
        Assert.Contains(new Send(Destination.Processes, new ChildStateChanged(Parent, new Pid(Self), new Pid(Self), null)), own.Effects);
        var session = Decide(Ann_process(), new SetSid());
        Assert.Contains(new Send(Destination.Processes, new ChildStateChanged(Parent, new Pid(Self), new Pid(Self), null)), session.Effects);
        var parent = Ann_process().WithChild(Child.Value);
        var set = new OnChildGroupSet().Complete(parent, new ProcessGroupSet(Child, Child), World);
        Assert.Equal(Child, set.State.Children[Child].Pgid);
    }

    private static ProcessInfo Row(int pid, int ppid, int pgid, int sid, RunState state = RunState.Sleeping) =>
        new(new Pid(pid), new Pid(ppid), new Pid(pgid), new Pid(sid), 1000, 1000, state, new NodeNumber(pid / 1_000_000), "x", Now, TimeSpan.Zero);

    [Fact]
    public void A_shell_that_exits_orphans_its_stopped_job_on_any_node_and_a_running_job_or_one_kept_by_another_parent_is_left_alone()
    {
        // The shell 1000002 (session and group 1000002) leaves: a stopped job 2000010|3000011 (group 2000010), a running
        // job 1000020, and a job 1000030 with a stopped member whose parent 1000031 (same session, another group) keeps it.
        ProcessInfo[] cluster =
        [
            Row(1_000_002, 1, 1_000_002, 1_000_002, RunState.Zombie),
            Row(2_000_010, 1_000_002, 2_000_010, 1_000_002, RunState.Stopped), Row(3_000_011, 1_000_002, 2_000_010, 1_000_002, RunState.Stopped),
            Row(1_000_020, 1_000_002, 1_000_020, 1_000_002),
            Row(1_000_030, 1_000_002, 1_000_030, 1_000_002, RunState.Stopped), Row(1_000_031, 1, 1_000_031, 1_000_002),
            Row(1_000_032, 1_000_031, 1_000_030, 1_000_002, RunState.Stopped),
        ];
        Pid[] children = [new(2_000_010), new(3_000_011), new(1_000_020), new(1_000_030)];
        Assert.Equal([new Pid(2_000_010)], OrphanedGroups.HangUpOnExit(new Pid(1_000_002), new Pid(1_000_002), new Pid(1_000_002), children, cluster));
        // The list may show the job adopted by init already: the exiting process's own records say it was its child.
        ProcessInfo[] adopted = [Row(2_000_010, 1, 2_000_010, 1_000_002, RunState.Stopped)];
        Assert.Equal([new Pid(2_000_010)], OrphanedGroups.HangUpOnExit(new Pid(1_000_002), new Pid(1_000_002), new Pid(1_000_002), children, adopted));
        // A child in a session of its own was never kept by the shell: nothing is sent to it.
        ProcessInfo[] daemon = [Row(1_000_040, 1_000_002, 1_000_040, 1_000_040, RunState.Stopped)];
        Assert.Empty(OrphanedGroups.HangUpOnExit(new Pid(1_000_002), new Pid(1_000_002), new Pid(1_000_002), [new(1_000_040)], daemon));
    }

    [Fact]
    public void Only_an_exit_with_a_living_child_in_another_group_asks_the_cluster()
    {
        Assert.False(OrphanedGroups.Worth(Ann_process()));
        var sameGroup = new OnForked().Complete(Ann_process(), new ProcessCreated(Child, new NodeNumber(1)), World).State;
        Assert.False(OrphanedGroups.Worth(sameGroup));
        var job = Family.ChildStateChanged(sameGroup, new ChildStateChanged(new Pid(Self), Child, Child, null))!;
        Assert.True(OrphanedGroups.Worth(job));
        Assert.False(OrphanedGroups.Worth(Family.ChildExited(job, Child, 0)!));
    }
}
