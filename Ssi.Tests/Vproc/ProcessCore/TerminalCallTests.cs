// The terminal calls as the core decides them, and job control at a terminal: who is asked, and what a background caller gets.
using System.Collections.Immutable;
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Vproc.ProcessCore;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using static Ssi.Tests.Vproc.ProcessCore.CoreFixtures;

namespace Ssi.Tests.Vproc.ProcessCore;

public sealed class TerminalCallTests
{
    /// <summary>Ann's process with a terminal on 0 that is its controlling terminal, a host pipe on 1 and a file on 3.</summary>
    private static ProcessState WithTerminal() =>
        Ann_process().WithFd(0, Terminal()).WithFd(1, HostPipe()).WithFd(3, new CfsHandle(9)) with { ControllingTerminal = ActorRefs.Nobody };

    private static (object Request, Then Then) AskedOfDevice(CallDecision decision)
    {
        var ask = Assert.IsType<AskDevice>(decision.Waiting);
        return (ask.Request, ask.Then);
    }

    [Fact]
    public void Isatty_is_true_for_a_terminal_only()
    {
        var state = WithTerminal();
        Assert.Equal(1, Decide(state, new IsATerminal(Fd.Stdin)).AssertOk().Value);
        Decide(state, new IsATerminal(Fd.Stdout)).AssertFails(Errno.ENOTTY); // a pipe on the client's host
        Decide(state, new IsATerminal(new Fd(3))).AssertFails(Errno.ENOTTY);
        Decide(state, new IsATerminal(new Fd(7))).AssertFails(Errno.EBADF);
    }

    [Fact]
    public void Tcgetattr_asks_the_terminal_and_gives_its_settings_and_ttyname_its_name()
    {
        var state = WithTerminal();
        var get = Decide(state, new TcGetAttr(Fd.Stdin));
        Assert.Equal(TerminalGetStatus.Instance, AskedOfDevice(get).Request);
        var status = new TerminalStatus(TerminalSettings.Sane.Raw(), "/dev/pts/3", new Pid(77));
        Assert.Equal(TerminalSettings.Sane.Raw(), get.Reply(status).AssertOk().Terminal);
        Assert.Equal("/dev/pts/3", Decide(state, new TtyName(Fd.Stdin)).Reply(status).AssertOk().Text);
        Assert.Equal(77, Decide(state, new TcGetPgrp(Fd.Stdin)).Reply(status).AssertOk().Value);
        Decide(state, new TcGetAttr(Fd.Stdout)).AssertFails(Errno.ENOTTY);
        Decide(state, new TtyName(new Fd(3))).AssertFails(Errno.ENOTTY);
    }

    [Fact]
    public void Tcsetattr_tells_the_terminal_the_callers_group_unless_sigttou_is_ignored()
    {
        var state = WithTerminal();
        var set = AskedOfDevice(Decide(state, new TcSetAttr(Fd.Stdin, TerminalSettings.Sane.Raw())));
        Assert.Equal(new TerminalSetSettings(TerminalSettings.Sane.Raw(), state.Pgid), set.Request);
        var ignoring = state with { Signals = state.Signals.SetDisposition(Signal.SIGTTOU, Disposition.Ignore).Value.State };
        Assert.Equal(new TerminalSetSettings(TerminalSettings.Sane.Raw(), null), AskedOfDevice(Decide(ignoring, new TcSetAttr(Fd.Stdin, TerminalSettings.Sane.Raw()))).Request);
    }

    [Fact]
    public void Tcsetpgrp_works_on_the_controlling_terminal_only()
    {
        var state = WithTerminal();
        var set = Assert.IsType<TerminalSetForeground>(AskedOfDevice(Decide(state, new TcSetPgrp(Fd.Stdin, 4242))).Request);
        Assert.Equal((new Pid(4242), state.Pgid, true), (set.ProcessGroup, set.Caller, set.Answer));
        Decide(state with { ControllingTerminal = null }, new TcSetPgrp(Fd.Stdin, 4242)).AssertFails(Errno.ENOTTY);
        Decide(state, new TcSetPgrp(Fd.Stdin, 0)).AssertFails(Errno.EINVAL);
        Decide(state, new TcSetPgrp(new Fd(3), 4242)).AssertFails(Errno.ENOTTY);
    }

    [Fact]
    public void A_background_tcsetpgrp_stops_the_group_with_sigttou_and_is_made_again_when_continued()
    {
        var state = WithTerminal();
        var call = new TcSetPgrp(Fd.Stdin, 4242);
        var refused = Decide(state, call).Reply(new TerminalBackground(0));
        Assert.Equal(Errno.EINTR, refused.Result!.Error);
        Assert.True(refused.Result.RestartAfterStop);
        Assert.Equal(call, refused.Result.Restart);
        Assert.NotEqual(0UL, refused.State.Signals.Pending & Signal.Bit(Signal.SIGTTOU));
        var kill = Assert.IsType<KillGroup>(Assert.IsType<Send>(Assert.Single(refused.Effects)).Message);
        Assert.Equal((state.Pgid, Signal.SIGTTOU), (kill.Group, kill.Signal));
    }

    [Fact]
    public void A_write_tells_the_terminal_the_writers_group_and_a_refused_one_stops_it()
    {
        var state = WithTerminal();
        var write = new Write(Fd.Stdin, [1]);
        var (request, _) = AskedOfDevice(Decide(state, write));
        Assert.Equal(state.Pgid, Assert.IsType<TerminalWrite>(request).Group);
        var refused = Decide(state, write).Reply(new TerminalBackground(0));
        Assert.Equal((Errno.EINTR, true), (refused.Result!.Error, refused.Result.RestartAfterStop));
        // Not its controlling terminal: no check, as on Linux.
        Assert.Null(Assert.IsType<TerminalWrite>(AskedOfDevice(Decide(state with { ControllingTerminal = null }, write)).Request).Group);
    }

    [Fact]
    public void A_background_read_stops_the_group_with_sigttin_or_fails_with_eio_when_sigttin_is_ignored()
    {
        var state = WithTerminal();
        var read = new Read(Fd.Stdin, 100);
        var calls = CallSteps.Decide(InFlight.Idle, state, new CallInput.ReadDevice(read, Terminal(), null, null), false, World);
        var sent = Assert.IsType<CallEffect.SendRead>(calls.Effects.First());
        var refused = CallSteps.Decide(calls.Calls, calls.State, new CallInput.Background(sent.Id), false, World);
        Assert.NotEqual(0UL, refused.State.Signals.Pending & Signal.Bit(Signal.SIGTTIN));
        var result = Assert.Single(refused.Effects.OfType<CallEffect.SetResult>()).Result;
        Assert.Equal((Errno.EINTR, true, (SystemCall)read), (result.Error, result.RestartAfterStop, result.Restart!));
        Assert.Contains(refused.Effects, e => e is CallEffect.Do { Effect: Send { Message: KillGroup { Signal: Signal.SIGTTIN } } });

        var ignoring = state with { Signals = state.Signals.SetDisposition(Signal.SIGTTIN, Disposition.Ignore).Value.State };
        var ignoredCalls = CallSteps.Decide(InFlight.Idle, ignoring, new CallInput.ReadDevice(read, Terminal(), null, null), false, World);
        var ignored = CallSteps.Decide(ignoredCalls.Calls, ignoredCalls.State, new CallInput.Background(ignoredCalls.Calls.LastId), false, World);
        Assert.Equal(Errno.EIO, Assert.Single(ignored.Effects.OfType<CallEffect.SetResult>()).Result.Error);
    }

    [Fact]
    public void The_group_a_read_carries_is_given_only_for_the_controlling_terminal()
    {
        var state = WithTerminal();
        Assert.Equal(state.Pgid, TerminalCalls.StoppableGroup(state, Terminal(), Signal.SIGTTIN));
        Assert.Null(TerminalCalls.StoppableGroup(state, HostPipe(), Signal.SIGTTIN));
        Assert.Null(TerminalCalls.StoppableGroup(state with { ControllingTerminal = null }, Terminal(), Signal.SIGTTIN));
        var blocking = state with { Signals = state.Signals with { Mask = Signal.Bit(Signal.SIGTTOU) } };
        Assert.Null(TerminalCalls.StoppableGroup(blocking, Terminal(), Signal.SIGTTOU));
    }
}
