// Stands between a client and its terminal device, so that neither side addresses the other's actor system.
using Akka.Actor;
using Ssi.Cfs.Devices;

namespace Ssi.Host.Node;

/// <summary>
/// A child of the <see cref="ClientGateway"/>, one per <c>ssi run</c>. The terminal device (member system) knows the
/// relay as its client; the client knows the relay as its terminal. What comes from the client (over the wire) goes to
/// the device, what comes from the device (in-process) goes to the client, each with the relay as sender, which is
/// what the device checks. It watches both ends and stops with either, so the device hangs up when the client goes.
/// </summary>
public sealed class TerminalRelay : ReceiveActor
{
    /// <summary>The device, once the process has started.</summary>
    public sealed record Attach(IActorRef Device);

    private readonly IActorRef _client;
    private IActorRef? _device;
    private readonly Queue<(object Message, IActorRef Sender)> _early = new();

    public TerminalRelay(IActorRef client)
    {
        _client = client;
        Context.Watch(client);
        Receive<Attach>(a =>
        {
            _device = a.Device;
            Context.Watch(a.Device);
            while (_early.TryDequeue(out var early)) Route(early.Message, early.Sender);
        });
        // The client gone: stop now, and the device hangs up. The device gone: first pass on what it sent before (its
        // session's end), which waits in the mailbox behind the death notice that system messages overtake.
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_client)) Context.Stop(Self);
            else Self.Tell(new DeviceGone());
        });
        // The device gone: what it sent before is passed on first, then the client hears the terminal is gone; a client
        // that had the session's end takes that. (A device on another node may die unseen here: the client's pings,
        // answered by the device itself, tell it.)
        Receive<DeviceGone>(_ =>
        {
            _client.Tell(new TerminalGone(), Self);
            Context.Stop(Self);
        });
        ReceiveAny(message => Route(message, Sender));
    }

    private sealed record DeviceGone;

    public static Props Props(IActorRef client) => Akka.Actor.Props.Create(() => new TerminalRelay(client));

    private void Route(object message, IActorRef sender)
    {
        // Whatever arrives over the network has a remote sender (or none); the device is an actor of this process.
        var fromDevice = sender is ActorRefWithCell;
        switch (message)
        {
            case TerminalOutput or TerminalSessionEnded or TerminalInputAck or TerminalModeChanged or TerminalPong when fromDevice:
                _client.Tell(message, Self);
                break;
            case TerminalInput or TerminalInputEnd or TerminalKey or TerminalOutputAck or TerminalPing when !fromDevice:
                if (_device is null) _early.Enqueue((message, sender));
                else _device.Tell(message, Self);
                break;
            // Anything else, or a message from the wrong side, is dropped: a relay carries a terminal's traffic only.
        }
    }
}
