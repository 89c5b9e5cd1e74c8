// When pending signals act: between two steps of the program, and when one arrives while a call is in flight or the process is stopped.
using Ssi.Actors.Signals;
using Ssi.Vproc.ProcessTable;
using Ssi.Vproc.Programs;
using Ssi.Vproc.Signals;

namespace Ssi.Vproc.ProcessCore;

/// <summary>What the program must do before its next step.</summary>
public abstract record BeforeStep
{
    /// <summary>Nothing pending acts: the program steps.</summary>
    public sealed record Go : BeforeStep;

    /// <summary>A signal's default action ends the process with this wait status.</summary>
    public sealed record Die(int Status) : BeforeStep;

    /// <summary>A stop signal: the process stops before its next step.</summary>
    public sealed record StopNow(int Signal) : BeforeStep;

    /// <summary>The program's handler runs first, with the signal blocked; the mask to restore after it is <see cref="SavedMask"/>.</summary>
    public sealed record RunHandler(int Signal, ulong SavedMask) : BeforeStep;

    public static readonly BeforeStep Step = new Go();
}

/// <summary>What a signal that arrived does to a process that is in a call, or stopped.</summary>
public enum OnArrival
{
    /// <summary>It waits for the call in flight to return (or for SIGCONT).</summary>
    Nothing,
    /// <summary>SIGKILL, or a fatal signal that ends a waiting call: the process dies now.</summary>
    Die,
    /// <summary>SIGCONT to a stopped process: it runs again.</summary>
    Continue,
    /// <summary>A stop signal during a waiting call: it stops, and the call goes on waiting.</summary>
    Stop,
    /// <summary>A handled signal ends a waiting call that has a device behind it: the device is asked to give the call up.</summary>
    Cancel,
    /// <summary>A handled signal ends a waiting call with EINTR.</summary>
    Interrupt,
}

/// <summary>The call in flight as the signal rules see it.</summary>
/// <param name="Interruptible">It waits (terminal read, wait, sleep, pause), so a signal may end it.</param>
/// <param name="Cancellable">A device holds it (a terminal read), which must be told to give it up.</param>
/// <param name="Cancelling">The device was told already; its answer is on the way.</param>
public sealed record CallShape(bool Interruptible, bool Cancellable, bool Cancelling);

public static class SignalRules
{
    /// <summary>
    /// Takes pending, unblocked signals as Linux does on the way back from a system call: ignored ones and SIGCONT go,
    /// the first that does something decides. A handled one blocks itself while its handler runs.
    /// </summary>
    public static (ProcessState State, BeforeStep Next) BeforeNextStep(ProcessState state)
    {
        while (state.Signals.TakeDeliverable() is var (signal, delivery, after))
        {
            state = state with { Signals = after };
            switch (delivery)
            {
                case Delivery.Terminate: return (state, new BeforeStep.Die(WaitStatus.Signaled(signal)));
                case Delivery.Core: return (state, new BeforeStep.Die(WaitStatus.Signaled(signal, core: true)));
                case Delivery.Stop: return (state, new BeforeStep.StopNow(signal));
                case Delivery.Continue: continue;
                case Delivery.Handle:
                    var saved = state.Signals.Mask;
                    return (state with { Signals = state.Signals with { Mask = saved | Signal.Bit(signal) } }, new BeforeStep.RunHandler(signal, saved));
            }
        }
        return (state, BeforeStep.Step);
    }

    /// <summary>
    /// A signal was posted while the program is not between two steps. SIGKILL acts at once, whatever the process
    /// does; SIGCONT resumes a stopped process (and is consumed unless handled); a call that waits is ended by a
    /// signal that would do something; everything else waits for the call in flight to return.
    /// </summary>
    /// <returns>The state after, what to do, and for <see cref="OnArrival.Die"/> the wait status, for <see cref="OnArrival.Stop"/> the signal.</returns>
    public static (ProcessState State, OnArrival Action, int Status) Arrived(ProcessState state, bool stopped, CallShape? call)
    {
        if (state.State == RunState.Zombie) return (state, OnArrival.Nothing, 0);
        var pending = state.Signals.Pending;
        if ((pending & Signal.Bit(Signal.SIGKILL)) != 0) return (state, OnArrival.Die, WaitStatus.Signaled(Signal.SIGKILL));
        if (stopped)
        {
            if ((pending & Signal.Bit(Signal.SIGCONT)) == 0) return (state, OnArrival.Nothing, 0);
            var signals = state.Signals.DispositionOf(Signal.SIGCONT) == Disposition.Handle
                ? state.Signals
                : state.Signals with { Pending = pending & ~Signal.Bit(Signal.SIGCONT) };
            var running = call is { Interruptible: true } ? RunState.Sleeping : RunState.Running;
            return (state with { Signals = signals, State = running }, OnArrival.Continue, 0);
        }
        if (call is not { Interruptible: true } || call.Cancelling) return (state, OnArrival.Nothing, 0);
        if (state.Signals.TakeDeliverable() is not var (signal, delivery, after)) return (state, OnArrival.Nothing, 0);
        return delivery switch
        {
            Delivery.Terminate or Delivery.Core => (state, OnArrival.Die, WaitStatus.Signaled(signal, core: delivery == Delivery.Core)),
            Delivery.Stop => (state with { Signals = after }, OnArrival.Stop, signal),
            Delivery.Continue => (state with { Signals = after }, OnArrival.Nothing, 0),
            _ => (state, call.Cancellable ? OnArrival.Cancel : OnArrival.Interrupt, 0),
        };
    }
}
