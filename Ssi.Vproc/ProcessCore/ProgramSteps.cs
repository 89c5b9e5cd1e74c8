// Stepping a program's image to its next system call: signal handlers pushed and popped, a crash or an end turned into a status.
using Ssi.Actors.Signals;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.ProcessCore;

/// <summary>Where one step of a program ended.</summary>
public abstract record ProgramStep
{
    /// <summary>The program made a system call (the core decides it).</summary>
    public sealed record Call(SystemCall SystemCall) : ProgramStep;

    /// <summary>The program ended (fell off its main, or a signal's default action), with this wait status.</summary>
    public sealed record Ended(int Status) : ProgramStep;

    /// <summary>A stop signal (<see cref="Signal"/>) stopped the process before its next step.</summary>
    public sealed record Stopped(int Signal) : ProgramStep;

    /// <summary>The program threw: it dies as of SIGSEGV with a core.</summary>
    public sealed record Crashed(Exception Error) : ProgramStep;
}

/// <summary>
/// Runs a program one step at a time, delivering pending signals before each step as Linux does on the way back from a
/// system call (<see cref="SignalRules"/> decides; this only moves frames). The image is the program's mutable
/// execution state, so these are the one impure part of the core; the entity and the program tests both use them.
/// </summary>
public static class ProgramSteps
{
    public static (ProcessState State, ProgramStep Step) Next(ProgramImage image, ProcessState state)
    {
        while (true)
        {
            var (delivered, before) = SignalRules.BeforeNextStep(state);
            state = delivered;
            switch (before)
            {
                case BeforeStep.Die die: return (state, new ProgramStep.Ended(die.Status));
                case BeforeStep.StopNow stop: return (state, new ProgramStep.Stopped(stop.Signal));
                case BeforeStep.RunHandler handler:
                    // Another pending signal may run its handler on top of this one, as on Linux.
                    var context = image.Context;
                    image.Frames.Add(new Frame
                    {
                        Calls = image.Program.OnSignal(context, handler.Signal).GetEnumerator(),
                        Signal = handler.Signal,
                        SavedMask = handler.SavedMask,
                        Interrupted = context.Result,
                    });
                    context.Signal = handler.Signal;
                    context.Result = SysResult.Ok(0);
                    continue;
            }
            if (image.Context.Result is { RestartAfterStop: true, Restart: { } restart })
            {
                image.Context.Result = SysResult.Ok(0);
                return (state, new ProgramStep.Call(restart)); // continued after SIGTTIN or SIGTTOU: the call is made again
            }
            var frame = image.Frames[^1];
            bool more;
            try
            {
                more = frame.Calls.MoveNext();
            }
            catch (Exception e)
            {
                return (state, new ProgramStep.Crashed(e));
            }
            if (more) return (state, new ProgramStep.Call(frame.Calls.Current));
            if (image.Frames.Count == 1) return (state, new ProgramStep.Ended(WaitStatus.Exited(0)));
            // A handler returned: restore the mask and the interrupted call's result, or make the call again (SA_RESTART).
            image.Frames.RemoveAt(image.Frames.Count - 1);
            state = state with { Signals = state.Signals with { Mask = frame.SavedMask } };
            image.Context.Signal = 0;
            image.Context.Result = frame.Interrupted ?? SysResult.Ok(0);
            if (frame.Interrupted is { RestartAfterStop: true } && !state.Signals.Restarts(frame.Signal))
                image.Context.Result = SysResult.Fail(Ssi.Actors.Errors.Errno.EINTR); // a handler without SA_RESTART ran: EINTR
            else if (frame.Interrupted?.Restart is { } again) return (state, new ProgramStep.Call(again));
        }
    }

    /// <summary>The status of a program that crashed: SIGSEGV with a core.</summary>
    public static int CrashStatus => WaitStatus.Signaled(Signal.SIGSEGV, core: true);
}
