// The terminal calls as decisions (tcgetattr, tcsetattr, tcgetpgrp, tcsetpgrp, isatty, ttyname), and job control at a terminal.
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>
/// The terminal keeps its settings and foreground group (<see cref="TerminalDevice"/>); a process asks it. A process
/// tells the terminal its group only where Linux checks it: on its controlling terminal, and for SIGTTOU only when
/// that signal would stop it. The terminal answers a background caller <see cref="TerminalBackground"/>, and the
/// caller stops its group (<see cref="StopForTerminal"/>) and makes the call again once continued.
/// </summary>
public static class TerminalCalls
{
    /// <summary>The decision for a terminal call, or null if <paramref name="call"/> is not one.</summary>
    public static CallDecision? Decide(ProcessState state, SystemCall call)
    {
        switch (call)
        {
            case IsATerminal c:
                return Terminal(state, c.Fd) is { } error ? CallDecision.Fail(state, error) : CallDecision.Done(state, SysResult.Ok(1));
            case TcGetAttr c: return Ask(state, c.Fd, TerminalGetStatus.Instance, new OnTerminalStatus(c));
            case TtyName c: return Ask(state, c.Fd, TerminalGetStatus.Instance, new OnTerminalStatus(c));
            case TcGetPgrp c: return Ask(state, c.Fd, TerminalGetStatus.Instance, new OnTerminalStatus(c));
            case TcSetAttr c: return Ask(state, c.Fd, new TerminalSetSettings(c.Settings, StoppableGroup(state, c.Fd, Signal.SIGTTOU)), new OnTerminalStatus(c));
            case TcSetPgrp c:
                if (Terminal(state, c.Fd) is { } notTerminal) return CallDecision.Fail(state, notTerminal);
                if (!IsControlling(state, c.Fd)) return CallDecision.Fail(state, Errno.ENOTTY);
                if (c.Pgid <= 0) return CallDecision.Fail(state, Errno.EINVAL);
                var set = new TerminalSetForeground(new Pid(c.Pgid)) { Caller = StoppableGroup(state, c.Fd, Signal.SIGTTOU), Answer = true };
                return Ask(state, c.Fd, set, new OnTerminalStatus(c));
            default: return null;
        }
    }

    /// <summary>Null if <paramref name="fd"/> is a terminal; else EBADF (no descriptor) or ENOTTY.</summary>
    private static Errno? Terminal(ProcessState state, Fd fd) => state.Fds[fd]?.Handle switch
    {
        null => Errno.EBADF,
        TerminalHandle { IsTerminal: true } => null,
        _ => Errno.ENOTTY,
    };

    private static CallDecision Ask(ProcessState state, Fd fd, object request, Then then)
    {
        if (Terminal(state, fd) is { } error) return CallDecision.Fail(state, error);
        var terminal = (TerminalHandle)state.Fds[fd]!.Handle;
        return CallDecision.Wait(state, new AskDevice(terminal.Terminal, request, then));
    }

    private static bool IsControlling(ProcessState state, Fd fd) =>
        state.Fds[fd]?.Handle is TerminalHandle t && state.ControllingTerminal is { } controlling && controlling.Equals(t.Terminal);

    /// <summary>
    /// The process's group, for a terminal to check against its foreground group: given only when the terminal is the
    /// controlling one and <paramref name="signal"/> would stop the process (not ignored, not blocked).
    /// </summary>
    public static Pid? StoppableGroup(ProcessState state, Fd fd, int signal) =>
        state.Fds[fd]?.Handle is TerminalHandle t ? StoppableGroup(state, t, signal) : null;

    public static Pid? StoppableGroup(ProcessState state, DeviceHandle device, int signal)
    {
        if (device is not TerminalHandle { IsTerminal: true } t || state.ControllingTerminal is not { } controlling || !controlling.Equals(t.Terminal)) return null;
        if (signal == Signal.SIGTTIN) return state.Pgid; // a background read fails (EIO) even when SIGTTIN is ignored: the terminal must say so
        return IgnoredOrBlocked(state, signal) ? null : state.Pgid;
    }

    private static bool IgnoredOrBlocked(ProcessState state, int signal) =>
        state.Signals.IsIgnored(signal) || (state.Signals.Mask & Signal.Bit(signal)) != 0;

    /// <summary>
    /// The terminal refused <paramref name="call"/> from a background group. SIGTTIN ignored or blocked: a read fails
    /// with EIO. Otherwise the signal is posted here (so the process stops before its next step) and to the rest of its
    /// group, and the call is made again once the process is continued (Linux's ERESTARTSYS).
    /// </summary>
    public static CallDecision StopForTerminal(ProcessState state, SystemCall call, int signal)
    {
        if (IgnoredOrBlocked(state, signal)) return CallDecision.Fail(state, Errno.EIO);
        var again = SysResult.Fail(Errno.EINTR) with { Restart = call, RestartAfterStop = true };
        return CallDecision.Done(state with { Signals = state.Signals.Post(signal) }, again,
            new Send(Destination.ProcessService, new KillGroup(state.Pgid, signal, state.Credentials.Uid, state.Pid)));
    }
}

/// <summary>The terminal's status as each terminal call reads it; a background caller stops (SIGTTOU) and tries again.</summary>
public sealed record OnTerminalStatus(SystemCall Call) : Then
{
    protected override CallDecision On(ProcessState state, object reply, CallWorld world) => reply switch
    {
        TerminalBackground => TerminalCalls.StopForTerminal(state, Call, Signal.SIGTTOU),
        TerminalStatus status => Call switch
        {
            TcGetAttr or TcSetAttr => CallDecision.Done(state, SysResult.Ok(0) with { Terminal = status.Settings }),
            TtyName => CallDecision.Done(state, SysResult.Ok(0) with { Text = status.Name }),
            // Linux gives a number no group has when there is no foreground group; 0 says the same here.
            TcGetPgrp => CallDecision.Done(state, SysResult.Ok(status.Foreground?.Value ?? 0)),
            _ => CallDecision.Done(state, SysResult.Ok(0)),
        },
        _ => Unexpected(state),
    };
}
