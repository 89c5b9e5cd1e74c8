// A timer for a process's own calls (sleep, alarm, a read's timeout): as precise as the host's, and silent until due.
using Akka.Actor;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// Tells <c>to</c> the message once, after <c>after</c>, on a .NET timer. Akka's scheduler ticks at
/// <c>akka.scheduler.tick-duration</c>, which the nodes make coarse so that an idle node stays idle; a process's sleep
/// must not wake that late. Cancel is idempotent; a message already on its way is the receiver's to ignore, as with
/// Akka's scheduler.
/// </summary>
public sealed class OneShotTimer
{
    private readonly Timer _timer;

    private OneShotTimer(TimeSpan after, IActorRef to, object message, IActorRef sender)
    {
        _timer = new Timer(_ => to.Tell(message, sender), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(after < TimeSpan.Zero ? TimeSpan.Zero : after, Timeout.InfiniteTimeSpan);
    }

    public static OneShotTimer Start(TimeSpan after, IActorRef to, object message, IActorRef sender) => new(after, to, message, sender);

    public void Cancel() => _timer.Dispose();
}
