// Stands on a client's contact node for the client of another node's console, so the console talks to a member only.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;

namespace Ssi.Vproc.ProcessTable;

/// <summary>
/// A child of the process service of the node a client attached through (<c>ssi console N</c>). The console knows the
/// link as its client; the client (the gateway's relay, in this process) knows the link as its device. It attaches
/// to the console, answers the asker, then passes the terminal protocol both ways. It watches both ends and stops
/// with either: the console then detaches, or the relay tells the client that the console is gone.
/// </summary>
public sealed class ConsoleLink : ReceiveActor, IWithTimers
{
    private readonly IActorRef _client;
    private readonly IActorRef _console;

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record GaveUp;

    public ConsoleLink(IActorRef client, IActorRef console, NodeNumber node, IActorRef replyTo, TimeSpan timeout)
    {
        _client = client;
        _console = console;
        Context.Watch(client);
        Context.Watch(console);
        console.Tell(ConsoleAttach.Instance);
        Timers.StartSingleTimer("attach", new GaveUp(), timeout);
        Receive<ConsoleAttached>(_ =>
        {
            Timers.Cancel("attach");
            replyTo.Tell(new ConsoleOpened(node, Self));
            Become(Linked);
        });
        Receive<Failed>(failed =>
        {
            replyTo.Tell(failed);
            Context.Stop(Self);
        });
        Receive<GaveUp>(_ =>
        {
            replyTo.Tell(new Failed(Errno.ETIMEDOUT, $"node {node}'s console did not answer in time"));
            Context.Stop(Self);
        });
        Receive<Terminated>(_ =>
        {
            replyTo.Tell(new Failed(Errno.ENXIO, $"node {node}'s console is gone"));
            Context.Stop(Self);
        });
    }

    public static Props Props(IActorRef client, IActorRef console, NodeNumber node, IActorRef replyTo, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new ConsoleLink(client, console, node, replyTo, timeout));

    private void Linked()
    {
        Receive<Terminated>(_ => Context.Stop(Self));
        Receive<ISsiMessage>(message =>
        {
            if (Sender.Equals(_console) && message is TerminalOutput or TerminalInputAck or TerminalModeChanged or TerminalPong)
                _client.Tell(message, Self);
            else if (Sender.Equals(_client) && message is TerminalInput or TerminalInputEnd or TerminalKey or TerminalOutputAck or TerminalPing)
                _console.Tell(message, Self);
            // Anything else, or from the wrong side, is dropped: a link carries a console's traffic only.
        });
    }
}
