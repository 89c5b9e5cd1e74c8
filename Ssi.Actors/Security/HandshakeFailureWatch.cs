// Remembers why an actor system's last outbound TLS handshake failed, so a peer's refusal is not taken for a hang-up.
using Akka.Actor;
using Akka.Event;

namespace Ssi.Actors.Security;

/// <summary>
/// Akka.Remote logs a failed outbound handshake with its exception and then stops the whole actor system; the reason
/// it gives the shutdown carries no cause. This listener is told synchronously, on the transport's thread, before the
/// shutdown starts, so the cause is known by the time anyone asks why the system stopped.
/// </summary>
public sealed class HandshakeFailureWatch : MinimalActorRef
{
    private readonly ActorPath _path;
    private readonly IActorRefProvider _provider;
    private volatile Exception? _last;

    private HandshakeFailureWatch(ExtendedActorSystem system)
    {
        _provider = system.Provider;
        _path = new RootActorPath(system.Provider.DefaultAddress) / "temp" / "tls-handshake-watch";
    }

    public override ActorPath Path => _path;
    public override IActorRefProvider Provider => _provider;

    /// <summary>The exception of the last failed outbound handshake, or null.</summary>
    public Exception? LastFailure => _last;

    /// <summary>True if the last failed handshake ended with the peer's TLS alert: the peer refused us.</summary>
    public bool PeerRefused => IsRefusalByPeer(_last);

    public static HandshakeFailureWatch Attach(ActorSystem system)
    {
        var watch = new HandshakeFailureWatch((ExtendedActorSystem)system);
        system.EventStream.Subscribe(watch, typeof(Error));
        return watch;
    }

    /// <summary>
    /// A peer that refuses a certificate ends the handshake with a TLS alert (.NET: "the remote party sent a TLS
    /// alert"); one that dies or hangs up closes the connection without one.
    /// </summary>
    public static bool IsRefusalByPeer(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            if (e.Message.Contains("TLS alert", StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Error { Cause: { } cause } error && error.Message?.ToString()?.StartsWith("TLS handshake failed", StringComparison.Ordinal) == true)
            _last = cause;
    }
}
