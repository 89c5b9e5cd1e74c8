// A process's signal dispositions, blocked mask and pending set, and the pure rules of posting and delivering signals.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Signals;
using Ssi.Vproc.Programs;

namespace Ssi.Vproc.Signals;

/// <summary>What delivering a pending signal does now.</summary>
public enum Delivery
{
    Terminate,
    Core,
    Stop,
    Continue,
    Handle,
}

/// <summary>
/// Owned by the process's entity. Signals are posted into <see cref="Pending"/> (one bit each, as on Linux: a signal
/// posted twice before delivery is delivered once) and delivered in ascending number when not blocked by <see cref="Mask"/>.
/// </summary>
public sealed record SignalState(ImmutableDictionary<int, Disposition> Dispositions, ulong Mask, ulong Pending)
{
    public static readonly SignalState Initial = new(ImmutableDictionary<int, Disposition>.Empty, 0, 0);

    private static readonly ulong Unblockable = Signal.Bit(Signal.SIGKILL) | Signal.Bit(Signal.SIGSTOP);
    private static readonly ulong StopSignals =
        Signal.Bit(Signal.SIGSTOP) | Signal.Bit(Signal.SIGTSTP) | Signal.Bit(Signal.SIGTTIN) | Signal.Bit(Signal.SIGTTOU);

    public Disposition DispositionOf(int signal) => Dispositions.GetValueOrDefault(signal, Disposition.Default);

    /// <summary>The signals whose handlers were set with SA_RESTART (bit n-1 for signal n).</summary>
    public ulong Restarting { get; init; }

    /// <summary>True if a call that a handled <paramref name="signal"/> interrupts starts again after the handler.</summary>
    public bool Restarts(int signal) => DispositionOf(signal) == Disposition.Handle && (Restarting & Signal.Bit(signal)) != 0;

    /// <summary>
    /// Posts a signal. A signal that would be ignored is dropped at once (it does not even interrupt a wait), a
    /// SIGCONT drops pending stop signals and a stop signal drops a pending SIGCONT, as on Linux.
    /// </summary>
    public SignalState Post(int signal)
    {
        if (!Signal.IsValid(signal)) return this;
        var pending = Pending;
        if (signal == Signal.SIGCONT) pending &= ~StopSignals;
        if ((StopSignals & Signal.Bit(signal)) != 0) pending &= ~Signal.Bit(Signal.SIGCONT);
        if (IsIgnored(signal) && signal != Signal.SIGCONT) return this with { Pending = pending };
        return this with { Pending = pending | Signal.Bit(signal) };
    }

    /// <summary>True if delivering the signal would do nothing.</summary>
    public bool IsIgnored(int signal) => DispositionOf(signal) switch
    {
        Disposition.Ignore => !Signal.IsUncatchable(signal),
        Disposition.Default => Signal.DefaultActionOf(signal) == DefaultAction.Ignore,
        _ => false,
    };

    /// <summary>The lowest pending signal that is not blocked, and what delivering it does; null if none.</summary>
    public (int Signal, Delivery Delivery, SignalState After)? TakeDeliverable()
    {
        var ready = Pending & ~(Mask & ~Unblockable);
        while (ready != 0)
        {
            var signal = System.Numerics.BitOperations.TrailingZeroCount(ready) + 1;
            var after = this with { Pending = Pending & ~Signal.Bit(signal) };
            var disposition = Signal.IsUncatchable(signal) ? Disposition.Default : DispositionOf(signal);
            Delivery? delivery = disposition switch
            {
                Disposition.Handle => Delivery.Handle,
                Disposition.Ignore => signal == Signal.SIGCONT ? Delivery.Continue : null,
                _ => Signal.DefaultActionOf(signal) switch
                {
                    DefaultAction.Terminate => Delivery.Terminate,
                    DefaultAction.Core => Delivery.Core,
                    DefaultAction.Stop => Delivery.Stop,
                    DefaultAction.Continue => Delivery.Continue,
                    _ => null,
                },
            };
            if (delivery is { } d) return (signal, d, after);
            ready &= ~Signal.Bit(signal);
        }
        return null;
    }

    /// <summary>True if a pending, unblocked signal would interrupt a call that waits (anything not ignored).</summary>
    public bool HasDeliverable => TakeDeliverable() is not null;

    /// <summary>sigaction(2). SIGKILL and SIGSTOP cannot be changed (EINVAL).</summary>
    public Outcome<(SignalState State, Disposition Previous)> SetDisposition(int signal, Disposition disposition)
    {
        if (!Signal.IsValid(signal) || Signal.IsUncatchable(signal) || !Enum.IsDefined(disposition))
            return Outcome<(SignalState, Disposition)>.Fail(Errno.EINVAL, $"signal {signal}");
        var previous = DispositionOf(signal);
        var dispositions = disposition == Disposition.Default ? Dispositions.Remove(signal) : Dispositions.SetItem(signal, disposition);
        var state = this with { Dispositions = dispositions, Restarting = Restarting & ~Signal.Bit(signal) };
        // Ignoring a signal discards it if pending (POSIX).
        if (state.IsIgnored(signal)) state = state with { Pending = state.Pending & ~Signal.Bit(signal) };
        return (state, previous);
    }

    /// <summary>sigprocmask(2); SIGKILL and SIGSTOP are never blocked.</summary>
    public Outcome<(SignalState State, ulong Previous)> ChangeMask(MaskHow how, ulong mask)
    {
        var next = how switch
        {
            MaskHow.Block => Mask | mask,
            MaskHow.Unblock => Mask & ~mask,
            MaskHow.SetMask => mask,
            _ => (ulong?)null,
        };
        if (next is null) return Outcome<(SignalState, ulong)>.Fail(Errno.EINVAL, "how");
        return (this with { Mask = next.Value & ~Unblockable & ((1UL << Signal.Max) - 1) }, Mask);
    }

    /// <summary>execve(2): handled signals go back to their default; ignored ones stay ignored; mask and pending stay.</summary>
    public SignalState AfterExec() =>
        this with { Dispositions = Dispositions.Where(d => d.Value == Disposition.Ignore).ToImmutableDictionary() };

    /// <summary>fork(2): the child inherits dispositions and mask, with nothing pending.</summary>
    public SignalState ForChild() => this with { Pending = 0 };
}
