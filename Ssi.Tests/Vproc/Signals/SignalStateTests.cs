// The pure rules of signals: posting, ignoring, blocking, the order of delivery, and what cannot be changed.
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Signals;

namespace Ssi.Tests.Vproc.Signals;

public sealed class SignalStateTests
{
    private static readonly SignalState Initial = SignalState.Initial;

    [Theory]
    [InlineData(Signal.SIGTERM, Delivery.Terminate)]
    [InlineData(Signal.SIGINT, Delivery.Terminate)]
    [InlineData(Signal.SIGKILL, Delivery.Terminate)]
    [InlineData(Signal.SIGSEGV, Delivery.Core)]
    [InlineData(Signal.SIGQUIT, Delivery.Core)]
    [InlineData(Signal.SIGSTOP, Delivery.Stop)]
    [InlineData(Signal.SIGTSTP, Delivery.Stop)]
    [InlineData(Signal.SIGCONT, Delivery.Continue)]
    public void Default_actions_follow_signal_7(int signal, Delivery expected)
    {
        var (taken, delivery, after) = Initial.Post(signal).TakeDeliverable()!.Value;
        Assert.Equal(signal, taken);
        Assert.Equal(expected, delivery);
        Assert.Equal(0UL, after.Pending);
    }

    [Theory]
    [InlineData(Signal.SIGCHLD)]
    [InlineData(Signal.SIGWINCH)]
    [InlineData(Signal.SIGURG)]
    public void Signals_ignored_by_default_are_dropped_when_posted(int signal)
    {
        var posted = Initial.Post(signal);
        Assert.Equal(0UL, posted.Pending);
        Assert.Null(posted.TakeDeliverable());
    }

    [Fact]
    public void A_blocked_signal_stays_pending_until_unblocked_but_SIGKILL_cannot_be_blocked()
    {
        var masked = Initial.ChangeMask(MaskHow.Block, Signal.Bit(Signal.SIGTERM) | Signal.Bit(Signal.SIGKILL)).Value.State;
        Assert.Equal(Signal.Bit(Signal.SIGTERM), masked.Mask);
        var posted = masked.Post(Signal.SIGTERM);
        Assert.Null(posted.TakeDeliverable());
        Assert.Equal(Signal.SIGKILL, posted.Post(Signal.SIGKILL).TakeDeliverable()!.Value.Signal);
        var unblocked = posted.ChangeMask(MaskHow.Unblock, Signal.Bit(Signal.SIGTERM)).Value.State;
        Assert.Equal(Signal.SIGTERM, unblocked.TakeDeliverable()!.Value.Signal);
    }

    [Fact]
    public void Pending_signals_are_delivered_lowest_number_first_and_each_once()
    {
        var state = Initial.Post(Signal.SIGUSR2).Post(Signal.SIGHUP).Post(Signal.SIGHUP);
        var (first, _, afterFirst) = state.TakeDeliverable()!.Value;
        var (second, _, afterSecond) = afterFirst.TakeDeliverable()!.Value;
        Assert.Equal([Signal.SIGHUP, Signal.SIGUSR2], new[] { first, second });
        Assert.Null(afterSecond.TakeDeliverable());
    }

    [Fact]
    public void SIGCONT_discards_pending_stops_and_a_stop_discards_a_pending_SIGCONT()
    {
        Assert.Equal(Signal.Bit(Signal.SIGCONT), Initial.Post(Signal.SIGTSTP).Post(Signal.SIGCONT).Pending);
        Assert.Equal(Signal.Bit(Signal.SIGSTOP), Initial.Post(Signal.SIGCONT).Post(Signal.SIGSTOP).Pending);
    }

    [Fact]
    public void SIGKILL_and_SIGSTOP_cannot_be_caught_or_ignored()
    {
        Assert.Equal(Errno.EINVAL, Initial.SetDisposition(Signal.SIGKILL, Disposition.Handle).Error);
        Assert.Equal(Errno.EINVAL, Initial.SetDisposition(Signal.SIGSTOP, Disposition.Ignore).Error);
        Assert.Equal(Errno.EINVAL, Initial.SetDisposition(0, Disposition.Ignore).Error);
        Assert.Equal(Errno.EINVAL, Initial.SetDisposition(32, Disposition.Ignore).Error);
    }

    [Fact]
    public void A_handled_signal_is_handed_to_the_program_and_an_ignored_one_is_dropped_even_if_pending()
    {
        var handled = Initial.SetDisposition(Signal.SIGUSR1, Disposition.Handle).Value.State.Post(Signal.SIGUSR1);
        Assert.Equal(Delivery.Handle, handled.TakeDeliverable()!.Value.Delivery);
        var (ignored, previous) = handled.SetDisposition(Signal.SIGUSR1, Disposition.Ignore).Value;
        Assert.Equal(Disposition.Handle, previous);
        Assert.Equal(0UL, ignored.Pending);
        Assert.Equal(0UL, ignored.Post(Signal.SIGUSR1).Pending);
    }

    [Fact]
    public void Exec_resets_handlers_to_default_but_keeps_ignored_signals_ignored()
    {
        var state = Initial.SetDisposition(Signal.SIGUSR1, Disposition.Handle).Value.State
            .SetDisposition(Signal.SIGHUP, Disposition.Ignore).Value.State;
        var after = state.AfterExec();
        Assert.Equal(Disposition.Default, after.DispositionOf(Signal.SIGUSR1));
        Assert.Equal(Disposition.Ignore, after.DispositionOf(Signal.SIGHUP));
    }

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("SIGKILL", 9)]
    [InlineData("hup", 1)]
    [InlineData("0", 0)]
    [InlineData("31", 31)]
    public void Signal_names_and_numbers_parse(string text, int expected)
    {
        Assert.True(Signal.TryParse(text, out var signal));
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData("BOGUS")]
    [InlineData("32")]
    [InlineData("-1")]
    [InlineData("")]
    public void Bad_signal_specifications_are_refused(string text) => Assert.False(Signal.TryParse(text, out _));

    [Fact]
    public void Wait_statuses_encode_codes_and_signals_as_Linux_does()
    {
        Assert.Equal(42 << 8, WaitStatus.Exited(42));
        Assert.True(WaitStatus.IfExited(WaitStatus.Exited(42)));
        Assert.Equal(42, WaitStatus.ShellCode(WaitStatus.Exited(42)));
        var killed = WaitStatus.Signaled(Signal.SIGSEGV, core: true);
        Assert.Equal(0x8B, killed);
        Assert.True(WaitStatus.IfSignaled(killed));
        Assert.True(WaitStatus.CoreDumped(killed));
        Assert.Equal(139, WaitStatus.ShellCode(killed));
    }

    [Fact]
    public void SA_RESTART_belongs_to_a_handler_and_a_new_disposition_without_it_clears_it()
    {
        var handled = SignalState.Initial.SetDisposition(Signal.SIGUSR1, Disposition.Handle).Value.State;
        var restarting = handled with { Restarting = Signal.Bit(Signal.SIGUSR1) };
        Assert.True(restarting.Restarts(Signal.SIGUSR1));
        Assert.False(restarting.Restarts(Signal.SIGUSR2));
        Assert.False(handled.Restarts(Signal.SIGUSR1));
        Assert.False(restarting.SetDisposition(Signal.SIGUSR1, Disposition.Handle).Value.State.Restarts(Signal.SIGUSR1));
        Assert.False((restarting with { Dispositions = restarting.Dispositions.Remove(Signal.SIGUSR1) }).Restarts(Signal.SIGUSR1)); // default: no handler to restart after
    }
}
