// A terminal device on the contact node of a CLI session: processes on any node read and write it like a tty.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;

namespace Ssi.Cfs.Devices;

/// <summary>
/// One per attached client (<c>ssi run</c>), living on the node the client talks to. It owns the input buffer, the
/// reads waiting for input, the foreground process group and the output window. Output is bounded: a write is
/// answered only while less than <see cref="Window"/> bytes wait for the client's acknowledgement, so a fast
/// writer (yes) is slowed to the client's pace and nothing is dropped. Keys from the client become signals for the
/// foreground group, and the answers to reads become <see cref="TerminalReply"/>s, both sent to <c>processes</c> (the
/// process layer of this node), since a device does not know where processes are. When the client goes away, the
/// foreground group gets SIGHUP. Its input and output are kept as a console's are (<see cref="TerminalInputQueue"/>,
/// <see cref="TerminalOutputWindow"/>).
/// </summary>
public sealed class TerminalDevice : ReceiveActor
{
    public const int Window = TerminalOutputWindow.Window;

    private readonly IActorRef _client;
    private readonly IActorRef _processes;
    private readonly TerminalInputQueue _input = new();
    private readonly TerminalOutputWindow _output = new();
    private Pid? _foreground;
    private bool _canonical = true;

    public TerminalDevice(IActorRef client, IActorRef processes)
    {
        _client = client;
        _processes = processes;
        Context.Watch(client);

        Receive<TerminalRead>(read =>
        {
            _input.Read(read, Answer);
            ServeReaders();
        });
        Receive<TerminalCancelRead>(cancel => _input.Cancel(cancel, Answer));
        Receive<TerminalWrite>(write =>
        {
            _output.Send(write.Data.Length, Sender, sequence => _client.Tell(new TerminalOutput(write.Channel is 2 ? 2 : 1, write.Data, sequence)));
        });
        Receive<TerminalSetForeground>(set => _foreground = set.ProcessGroup);
        Receive<TerminalSetMode>(mode =>
        {
            _canonical = mode.Canonical;
            _client.Tell(new TerminalModeChanged(mode.Canonical));
            ServeReaders();
        });
        Receive<TerminalPing>(ping => FromClient(() => Sender.Tell(new TerminalPong(ping.Number))));
        Receive<TerminalOutputAck>(ack => FromClient(() => _output.Acknowledged(ack.Sequence)));
        Receive<TerminalInput>(input => FromClient(() =>
        {
            _input.Add(input.Data);
            ServeReaders();
        }));
        Receive<TerminalInputEnd>(_ => FromClient(() =>
        {
            _input.Ended = true;
            ServeReaders();
        }));
        Receive<TerminalKey>(key => FromClient(() =>
        {
            if (_foreground is { Value: > 0 } group && Signal.IsValid(key.Signal)) _processes.Tell(new SignalProcessGroup(group, key.Signal));
        }));
        Receive<TerminalSessionEnded>(ended =>
        {
            // The session leader is gone: its output went out before this (same sender, same order), so tell the
            // client, and hang up the rest of its foreground group as Linux does.
            _client.Tell(ended);
            HangUp();
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_client), _ => HangUp());
    }

    public static Props Props(IActorRef client, IActorRef processes) =>
        Akka.Actor.Props.Create(() => new TerminalDevice(client, processes));

    private void Answer(Pid pid, ISsiMessage reply) => _processes.Tell(new TerminalReply(pid, reply));

    /// <summary>Client messages are accepted only from the client the terminal was made for.</summary>
    private void FromClient(Action handle)
    {
        if (Sender.Equals(_client)) handle();
    }

    private void ServeReaders()
    {
        if (_input.Serve(_canonical, Answer)) _client.Tell(new TerminalInputAck(_input.Consumed));
    }

    private void HangUp()
    {
        if (_foreground is { Value: > 0 } group) _processes.Tell(new SignalProcessGroup(group, Signal.SIGHUP));
        _input.EndAll(Answer);
        _output.Release();
        Context.Stop(Self);
    }
}
