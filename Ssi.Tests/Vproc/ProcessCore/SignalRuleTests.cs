// The signal rules of the core: what a pending signal does between steps, and to a process in a call or stopped.
using Ssi.Actors.Signals;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class SignalRuleTests
{
    private static ProcessState With(params int[] pending) =>
        pending.Aggregate(Ann_process(), (s, signal) => s with { Signals = s.Signals.Post(signal) });

    private static ProcessState Handling(ProcessState state, int signal) =>
        state with { Signals = state.Signals.SetDisposition(signal, Disposition.Handle).Value.State };

    private static readonly CallShape Waiting = new(Interruptible: true, Cancellable: false, Cancelling: false);
    private static readonly CallShape Reading = new(Interruptible: true, Cancellable: true, Cancelling: false);
    private static readonly CallShape Busy = new(Interruptible: false, Cancellable: false, Cancelling: false);

    [Fact]
    public void Nothing_pending_lets_the_program_step()
    {
        Assert.IsType<BeforeStep.Go>(SignalRules.BeforeNextStep(Ann_process()).Next);
    }

    [Fact]
    public void A_fatal_default_kills_before_the_next_step_with_core_for_core_signals()
    {
        Assert.Equal(new BeforeStep.Die(WaitStatus.Signaled(Signal.SIGTERM)), SignalRules.BeforeNextStep(With(Signal.SIGTERM)).Next);
        Assert.Equal(new BeforeStep.Die(WaitStatus.Signaled(Signal.SIGQUIT, core: true)), SignalRules.BeforeNextStep(With(Signal.SIGQUIT)).Next);
    }

    [Fact]
    public void Ignored_signals_and_SIGCONT_are_consumed_and_the_next_one_decides()
    {
        var (state, next) = SignalRules.BeforeNextStep(With(Signal.SIGCHLD, Signal.SIGCONT, Signal.SIGTSTP));
        Assert.IsType<BeforeStep.StopNow>(next);
        Assert.Equal(0UL, state.Signals.Pending);
    }

    [Fact]
    public void A_handled_signal_runs_its_handler_blocked_and_remembers_the_mask_to_restore()
    {
        var state = Handling(With(Signal.SIGINT), Signal.SIGINT);
        state = state with { Signals = state.Signals with { Mask = Signal.Bit(Signal.SIGUSR2) } };
        var (after, next) = SignalRules.BeforeNextStep(state);
        Assert.Equal(new BeforeStep.RunHandler(Signal.SIGINT, Signal.Bit(Signal.SIGUSR2)), next);
        Assert.Equal(Signal.Bit(Signal.SIGUSR2) | Signal.Bit(Signal.SIGINT), after.Signals.Mask);
        Assert.Equal(0UL, after.Signals.Pending);
    }

    [Fact]
    public void A_blocked_signal_stays_pending_but_SIGKILL_cannot_be_blocked()
    {
        var blocked = With(Signal.SIGTERM) with { Signals = With(Signal.SIGTERM).Signals with { Mask = Signal.Bit(Signal.SIGTERM) } };
        var (state, next) = SignalRules.BeforeNextStep(blocked);
        Assert.IsType<BeforeStep.Go>(next);
        Assert.Equal(Signal.Bit(Signal.SIGTERM), state.Signals.Pending);
        var killed = blocked with { Signals = blocked.Signals.Post(Signal.SIGKILL) with { Mask = ulong.MaxValue } };
        Assert.IsType<BeforeStep.Die>(SignalRules.BeforeNextStep(killed).Next);
    }

    [Fact]
    public void SIGKILL_kills_at_once_whatever_the_process_does()
    {
        foreach (var (stopped, call) in new (bool, CallShape?)[] { (false, null), (false, Busy), (true, Waiting), (false, Reading) })
        {
            var (_, action, status) = SignalRules.Arrived(With(Signal.SIGKILL), stopped, call);
            Assert.Equal((OnArrival.Die, WaitStatus.Signaled(Signal.SIGKILL)), (action, status));
        }
    }

    [Fact]
    public void A_zombie_takes_no_signal()
    {
        Assert.Equal(OnArrival.Nothing, SignalRules.Arrived(With(Signal.SIGKILL) with { State = RunState.Zombie }, false, null).Action);
    }

    [Fact]
    public void A_stopped_process_waits_for_SIGCONT_which_is_consumed_unless_handled()
    {
        var stopped = With(Signal.SIGTERM) with { State = RunState.Stopped };
        Assert.Equal(OnArrival.Nothing, SignalRules.Arrived(stopped, true, null).Action);
        var (resumed, action, _) = SignalRules.Arrived(stopped with { Signals = stopped.Signals.Post(Signal.SIGCONT) }, true, null);
        Assert.Equal((OnArrival.Continue, RunState.Running), (action, resumed.State));
        Assert.Equal(Signal.Bit(Signal.SIGTERM), resumed.Signals.Pending);
        var handled = Handling(stopped, Signal.SIGCONT);
        var (kept, _, _) = SignalRules.Arrived(handled with { Signals = handled.Signals.Post(Signal.SIGCONT) }, true, Waiting);
        Assert.Equal(RunState.Sleeping, kept.State);
        Assert.NotEqual(0UL, kept.Signals.Pending & Signal.Bit(Signal.SIGCONT));
    }

    [Fact]
    public void A_call_that_does_not_wait_lets_signals_wait_for_it_to_return()
    {
        Assert.Equal(OnArrival.Nothing, SignalRules.Arrived(With(Signal.SIGTERM), false, Busy).Action);
        Assert.Equal(OnArrival.Nothing, SignalRules.Arrived(With(Signal.SIGTERM), false, null).Action);
        Assert.Equal(OnArrival.Nothing, SignalRules.Arrived(With(Signal.SIGTERM), false, Reading with { Cancelling = true }).Action);
    }

    [Fact]
    public void A_waiting_call_is_ended_by_a_fatal_stop_or_handled_signal_and_not_by_an_ignored_one()
    {
        var (_, die, status) = SignalRules.Arrived(With(Signal.SIGHUP), false, Waiting);
        Assert.Equal((OnArrival.Die, WaitStatus.Signaled(Signal.SIGHUP)), (die, status));
        var (stoppedState, stop, _) = SignalRules.Arrived(With(Signal.SIGTSTP), false, Waiting);
        Assert.Equal((OnArrival.Stop, 0UL), (stop, stoppedState.Signals.Pending));
        Assert.Equal(OnArrival.Interrupt, SignalRules.Arrived(Handling(With(Signal.SIGINT), Signal.SIGINT), false, Waiting).Action);
        Assert.Equal(OnArrival.Cancel, SignalRules.Arrived(Handling(With(Signal.SIGINT), Signal.SIGINT), false, Reading).Action);
        var (quiet, nothing, _) = SignalRules.Arrived(With(Signal.SIGCONT), false, Waiting);
        Assert.Equal((OnArrival.Nothing, 0UL), (nothing, quiet.Signals.Pending));
        Assert.Equal(OnArrival.Nothing, SignalRules.Arrived(With(Signal.SIGCHLD), false, Waiting).Action);
    }
}
