// The call in flight without an actor: how each wait ends, what a signal does to it, and what the program does next.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;
using Ssi.Cfs.Service;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class CallStepTests
{
    private static readonly Read ReadLine = new(Fd.Stdin, 100_000_000, Timeout: TimeSpan.FromSeconds(2));
    private static readonly CallEffect RunsOn = new CallEffect.RunProgram();

    /// <summary>The calls, the state and every effect after feeding <paramref name="inputs"/> in order.</summary>
    private sealed record Steps(InFlight Calls, ProcessState State, List<CallEffect> Effects)
    {
        public static Steps Of(ProcessState state) => new(InFlight.Idle, state, []);

        public Steps Then(CallInput input, bool moveAsked = false)
        {
            var step = CallSteps.Decide(Calls, State, input, moveAsked, World);
            return new Steps(step.Calls, step.State, [.. step.Effects]);
        }

        public Steps Post(int signal) => (this with { State = State with { Signals = State.Signals.Post(signal) } }).Then(new CallInput.SignalPosted());
    }

    private static ProcessState Handling(ProcessState state, int signal) =>
        state with { Signals = state.Signals.SetDisposition(signal, Disposition.Handle).Value.State };

    private static CallInput.Await Stat() => new(new Stat("/etc"), new OnAttributes());

    [Fact]
    public void A_reply_ends_its_call_through_the_continuation_and_the_program_steps_on()
    {
        var waiting = Steps.Of(Ann_process()).Then(Stat());
        Assert.Equal(new WaitingCall(1, new Stat("/etc"), WaitKind.Reply, new OnAttributes()), waiting.Calls.Call);
        Assert.Empty(waiting.Effects);
        var done = waiting.Then(new CallInput.Replied(1, new FsAttributes(Attributes(Ssi.Cfs.Inodes.InodeType.Directory, 0x1ED))));
        Assert.Null(done.Calls.Call);
        Assert.Equal(RunsOn, done.Effects[^1]);
        Assert.Equal(0, Assert.IsType<CallEffect.SetResult>(done.Effects[0]).Result.Value);
    }

    [Fact]
    public void A_reply_that_comes_after_its_call_was_given_up_hands_back_what_it_holds()
    {
        var waiting = Steps.Of(Ann_process()).Then(Stat()).Then(new CallInput.Finished(SysResult.Fail(Errno.EINTR))).Then(Stat());
        var late = waiting.Then(new CallInput.Replied(1, new FsOpened(77, Attributes(Ssi.Cfs.Inodes.InodeType.Regular, 0x1A4))));
        Assert.Equal(waiting.Calls, late.Calls); // call 2 still waits
        Assert.Equal([new CallEffect.Do(new Send(Destination.FileSystem, new FsClose(Ann, 77)))], late.Effects);
    }

    [Fact]
    public void A_failed_request_is_ETIMEDOUT_when_it_timed_out_and_EIO_with_a_log_line_otherwise()
    {
        var timedOut = Steps.Of(Ann_process()).Then(Stat()).Then(new CallInput.Replied(1, new AskTimeoutException("late")));
        Assert.Equal([new CallEffect.SetResult(SysResult.Fail(Errno.ETIMEDOUT)), RunsOn], timedOut.Effects);
        var broken = Steps.Of(Ann_process()).Then(Stat()).Then(new CallInput.Replied(1, new InvalidOperationException("boom")));
        Assert.IsType<CallEffect.Unexpected>(broken.Effects[0]);
        Assert.Equal(SysResult.Fail(Errno.EIO), Assert.IsType<CallEffect.SetResult>(broken.Effects[1]).Result);
    }

    [Fact]
    public void A_sleep_sleeps_until_its_timer_and_a_stale_timer_changes_nothing()
    {
        var asleep = Steps.Of(Ann_process()).Then(new CallInput.Sleep(new Sleep(TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(5)));
        Assert.Equal(RunState.Sleeping, asleep.State.State);
        Assert.Equal([new CallEffect.Do(PublishInfo.Instance), new CallEffect.StartTimer(new CallInput.SleepOver(1), TimeSpan.FromSeconds(5))], asleep.Effects);
        Assert.Equal(TimeSpan.FromSeconds(5), asleep.Calls.Call!.AsMoveSees(Now).TimeLeft);
        var stale = asleep.Then(new CallInput.SleepOver(0));
        Assert.Equal((asleep.Calls, 0), (stale.Calls, stale.Effects.Count));
        var woke = asleep.Then(new CallInput.SleepOver(1));
        Assert.Equal(RunState.Running, woke.State.State);
        Assert.Equal([new CallEffect.CancelTimer(), new CallEffect.Do(PublishInfo.Instance), new CallEffect.SetResult(SysResult.Ok(0)), RunsOn], woke.Effects);
    }

    [Fact]
    public void A_terminal_read_asks_the_device_and_its_data_is_the_result()
    {
        var reading = Steps.Of(Ann_process()).Then(new CallInput.ReadDevice(ReadLine, Terminal(), null, null));
        Assert.Equal(new CallEffect.SendRead(Terminal(), 1, FileCalls.MaxRead), reading.Effects[0]); // the count is clamped
        var got = reading.Then(new CallInput.TerminalData(1, [104, 105]));
        var result = Assert.IsType<CallEffect.SetResult>(got.Effects.Single(e => e is CallEffect.SetResult)).Result;
        Assert.Equal(2, result.Value);
        Assert.Equal("hi"u8.ToArray(), result.Data);
    }

    [Fact]
    public void A_read_that_times_out_is_cancelled_once_at_the_device_and_ends_with_EAGAIN()
    {
        var reading = Steps.Of(Ann_process()).Then(new CallInput.ReadDevice(ReadLine, Terminal(), null, ReadLine.Timeout));
        Assert.Equal(new CallEffect.StartTimer(new CallInput.ReadTimedOut(1), TimeSpan.FromSeconds(2)), reading.Effects[^1]);
        var cancelling = reading.Then(new CallInput.ReadTimedOut(1));
        Assert.Equal([new CallEffect.CancelRead(Terminal(), 1)], cancelling.Effects);
        Assert.Empty(cancelling.Then(new CallInput.ReadTimedOut(1)).Effects);
        Assert.IsType<Leave.AfterCall>(MoveRules.WhenToLeave(cancelling.Calls.Call!.AsMoveSees(Now))); // the device's answer must come first
        var ended = cancelling.Then(new CallInput.ReadCancelled(1));
        Assert.Contains(new CallEffect.SetResult(SysResult.Fail(Errno.EAGAIN)), ended.Effects);
    }

    [Fact]
    public void A_handled_signal_cancels_a_terminal_read_at_the_device_and_it_ends_with_EINTR()
    {
        var reading = Steps.Of(Handling(Ann_process(), Signal.SIGINT)).Then(new CallInput.ReadDevice(ReadLine, Terminal(), null, null));
        var cancelling = reading.Post(Signal.SIGINT);
        Assert.Equal([new CallEffect.CancelRead(Terminal(), 1)], cancelling.Effects);
        Assert.True(cancelling.Calls.Call!.Cancelling);
        // Data already on its way wins over the cancel: nothing typed is lost.
        var data = cancelling.Then(new CallInput.TerminalData(1, [120]));
        var got = Assert.IsType<CallEffect.SetResult>(data.Effects.Single(e => e is CallEffect.SetResult)).Result;
        Assert.Equal(1, got.Value);
        Assert.Equal(new byte[] { 120 }, got.Data);
        var cancelled = cancelling.Then(new CallInput.ReadCancelled(1));
        Assert.Contains(new CallEffect.SetResult(SysResult.Fail(Errno.EINTR)), cancelled.Effects);
    }

    [Fact]
    public void A_handled_signal_interrupts_a_wait_but_waits_for_a_reply_on_its_way()
    {
        var state = Handling(Ann_process().WithChild(1_000_009), Signal.SIGUSR1);
        var waiting = Steps.Of(state).Then(new CallInput.Block(new Wait()));
        var interrupted = waiting.Post(Signal.SIGUSR1);
        Assert.Null(interrupted.Calls.Call);
        Assert.Equal([new CallEffect.Do(PublishInfo.Instance), new CallEffect.SetResult(SysResult.Fail(Errno.EINTR)), RunsOn], interrupted.Effects);
        var asking = Steps.Of(state).Then(Stat()).Post(Signal.SIGUSR1);
        Assert.NotNull(asking.Calls.Call);
        Assert.Empty(asking.Effects);
    }

    [Fact]
    public void SIGKILL_ends_the_process_whatever_its_call_and_its_end_gives_the_read_up_at_the_device()
    {
        var reading = Steps.Of(Ann_process()).Then(new CallInput.ReadDevice(ReadLine, Terminal(), null, ReadLine.Timeout));
        Assert.Equal([new CallEffect.Die(WaitStatus.Signaled(Signal.SIGKILL))], reading.Post(Signal.SIGKILL).Effects);
        var ended = reading.Then(new CallInput.Ended());
        Assert.Equal([new CallEffect.CancelRead(Terminal(), 1), new CallEffect.CancelTimer()], ended.Effects);
        Assert.Null(ended.Calls.Call);
    }

    [Fact]
    public void A_wait_collects_a_child_that_exits_while_it_waits_and_keeps_waiting_for_one_that_has_not()
    {
        var parent = Ann_process().WithChild(1_000_009).WithChild(1_000_010);
        var waiting = Steps.Of(parent).Then(new CallInput.Block(new Wait()));
        Assert.Empty(waiting.Then(new CallInput.Block(new Wait())).Effects); // the wait made again goes on waiting
        Assert.Empty(waiting.Then(new CallInput.ChildChanged()).Effects);
        var exited = waiting with { State = Family.ChildExited(waiting.State, new Pid(1_000_010), WaitStatus.Exited(3))! };
        var collected = exited.Then(new CallInput.ChildChanged());
        Assert.Equal(new CallEffect.Do(new Send(Destination.Processes, new Reap(new Pid(1_000_010)))), collected.Effects[0]);
        var result = Assert.IsType<CallEffect.SetResult>(collected.Effects.Single(e => e is CallEffect.SetResult)).Result;
        Assert.Equal((1_000_010L, WaitStatus.Exited(3)), (result.Value, result.Status));
        Assert.False(collected.State.Children.ContainsKey(new Pid(1_000_010)));
    }

    [Fact]
    public void A_process_stopped_in_a_call_holds_its_result_until_SIGCONT_and_then_steps_on_with_it()
    {
        var asleep = Steps.Of(Ann_process()).Then(new CallInput.Sleep(new Sleep(TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(1)));
        var stopped = asleep.Post(Signal.SIGTSTP);
        Assert.Equal(RunState.Stopped, stopped.State.State);
        Assert.NotNull(stopped.Calls.Call); // the sleep goes on
        var woke = stopped.Then(new CallInput.SleepOver(1));
        Assert.DoesNotContain(RunsOn, woke.Effects);
        Assert.Equal(SysResult.Ok(0), woke.Calls.Held);
        Assert.Equal(RunState.Stopped, woke.State.State);
        var continued = woke.Post(Signal.SIGCONT);
        Assert.Equal(RunState.Running, continued.State.State);
        var toldParent = new CallEffect.Do(new Send(Destination.Processes, new ChildStateChanged(new Pid(1_000_002), new Pid(Self), new Pid(1_000_002), WaitStatus.Continued)));
        Assert.Equal([new CallEffect.Do(PublishInfo.Instance), toldParent, new CallEffect.SetResult(SysResult.Ok(0)), RunsOn], continued.Effects);
        Assert.Null(continued.Calls.Held);
    }

    [Fact]
    public void A_stop_between_two_steps_keeps_the_result_the_program_had()
    {
        var stopped = Steps.Of(Ann_process()).Then(new CallInput.StopBeforeStep(SysResult.Ok(12), Signal.SIGSTOP));
        Assert.Equal((RunState.Stopped, SysResult.Ok(12)), (stopped.State.State, stopped.Calls.Held));
        Assert.Equal(SysResult.Ok(12), stopped.Then(new CallInput.StayStopped(SysResult.Ok(99))).Calls.Held); // a move keeps the held result
        Assert.Equal(SysResult.Ok(99), Steps.Of(Ann_process()).Then(new CallInput.StayStopped(SysResult.Ok(99))).Calls.Held);
    }

    [Fact]
    public void A_call_that_ends_while_a_move_is_asked_leaves_instead_of_stepping_on()
    {
        var ended = Steps.Of(Ann_process()).Then(Stat()).Then(new CallInput.Finished(SysResult.Ok(0)), moveAsked: true);
        Assert.Equal([new CallEffect.SetResult(SysResult.Ok(0)), new CallEffect.Depart()], ended.Effects);
    }

    [Fact]
    public void A_zombie_ends_no_call_and_an_exec_that_replaced_the_program_sets_no_result()
    {
        var waiting = Steps.Of(Ann_process()).Then(Stat());
        var zombie = waiting with { State = waiting.State with { State = RunState.Zombie } };
        Assert.Empty(zombie.Then(new CallInput.Finished(SysResult.Ok(0))).Effects);
        Assert.Equal([RunsOn], waiting.Then(new CallInput.Finished(null)).Effects);
    }

    [Fact]
    public void Call_ids_are_never_reused_across_a_move_and_a_read_taken_along_is_not_asked_again()
    {
        var arrived = Steps.Of(Ann_process()).Then(new CallInput.ArrivedWith(41));
        var kept = arrived.Then(new CallInput.ReadDevice(ReadLine, Terminal(), 40, TimeSpan.FromSeconds(-1)));
        Assert.DoesNotContain(kept.Effects, e => e is CallEffect.SendRead);
        Assert.Equal(new CallEffect.StartTimer(new CallInput.ReadTimedOut(40), TimeSpan.Zero), kept.Effects[^1]); // its time is up already
        var next = kept.Then(new CallInput.Forget()).Then(Stat());
        Assert.Equal(42, next.Calls.Call!.Id);
    }
}
