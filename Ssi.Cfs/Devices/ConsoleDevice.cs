// A node's console: a terminal that outlives its clients. Output goes to the attached client, or to the node's log.
using Akka.Actor;
using Akka.Event;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;

namespace Ssi.Cfs.Devices;

/// <summary>
/// One per node (<c>/user/proc/console</c>), opened as <c>/devfs/nodeN/console</c> from any node, or as
/// <c>/dev/console</c> on its own. It speaks the terminal protocol to processes and to one client at a time
/// (<c>ssi console N</c>, through the actor that stands for it on the client's contact node). With nobody attached,
/// output goes to the node's log and is answered at once, and reads wait. A client's end of input gives the reads
/// waiting then end of file, as Ctrl-D does at a tty, and later reads wait again.
/// </summary>
public sealed class ConsoleDevice : ReceiveActor
{
    public const string Name = "console";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeNumber _node;
    private readonly IActorRef _processes;
    private readonly TerminalInputQueue _input = new();
    private TerminalOutputWindow _output = new();
    private IActorRef? _client;
    private Pid? _foreground;
    private bool _canonical = true;

    /// <summary>Input read before this client attached, which its flow control does not count.</summary>
    private long _consumedBefore;

    public ConsoleDevice(NodeNumber node, IActorRef processes)
    {
        _node = node;
        _processes = processes;

        Receive<ConsoleAttach>(_ =>
        {
            if (_client is not null && !_client.Equals(Sender))
            {
                Sender.Tell(new Failed(Errno.EBUSY, "another client is attached"));
                return;
            }
            _client = Sender;
            _consumedBefore = _input.Consumed;
            Context.Watch(_client);
            _log.Info("a client attached to the console");
            Sender.Tell(new ConsoleAttached(_node));
            _client.Tell(new TerminalModeChanged(_canonical));
        });
        Receive<TerminalRead>(read =>
        {
            _input.Read(read, Answer);
            ServeReaders();
        });
        Receive<TerminalCancelRead>(cancel => _input.Cancel(cancel, Answer));
        Receive<TerminalWrite>(write =>
        {
            if (_client is { } client)
            {
                _output.Send(write.Data.Length, Sender, sequence => client.Tell(new TerminalOutput(write.Channel is 2 ? 2 : 1, write.Data, sequence)));
                return;
            }
            _log.Info("console: {0}", System.Text.Encoding.UTF8.GetString(write.Data).TrimEnd('\n'));
            Sender.Tell(new TerminalWritten(write.Data.Length));
        });
        Receive<TerminalSetForeground>(set =>
        {
            _foreground = set.ProcessGroup;
            if (set.Answer) Sender.Tell(Status);
        });
        // The console has no line discipline (its client's host terminal edits lines): only ICANON is its own.
        Receive<TerminalGetStatus>(_ => Sender.Tell(Status));
        Receive<TerminalSetSettings>(set =>
        {
            SetCanonical(set.Settings.Has(TerminalFlags.Icanon));
            Sender.Tell(Status);
        });
        Receive<TerminalSetMode>(mode => SetCanonical(mode.Canonical));
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
            _input.Ended = false;
        }));
        Receive<TerminalKey>(key => FromClient(() =>
        {
            if (_foreground is { Value: > 0 } group && Signal.IsValid(key.Signal)) _processes.Tell(new SignalProcessGroup(group, key.Signal));
        }));
        Receive<Terminated>(t => t.ActorRef.Equals(_client), _ => Detach());
    }

    public static Props Props(NodeNumber node, IActorRef processes) => Akka.Actor.Props.Create(() => new ConsoleDevice(node, processes));

    private TerminalStatus Status =>
        new(TerminalSettings.Sane.With(TerminalFlags.Icanon | TerminalFlags.Echo, _canonical), "/dev/console", _foreground);

    private void SetCanonical(bool canonical)
    {
        _canonical = canonical;
        _client?.Tell(new TerminalModeChanged(canonical));
        ServeReaders();
    }

    private void Answer(Pid pid, ISsiMessage reply) => _processes.Tell(new TerminalReply(pid, reply));

    private void FromClient(Action handle)
    {
        if (_client is not null && Sender.Equals(_client)) handle();
    }

    private void ServeReaders()
    {
        if (_input.Serve(_canonical, Answer)) _client?.Tell(new TerminalInputAck(_input.Consumed - _consumedBefore));
    }

    /// <summary>The client went: writers held for it go on, and output goes to the log again.</summary>
    private void Detach()
    {
        _log.Info("the console's client went away");
        _client = null;
        _output.Release();
        _output = new TerminalOutputWindow();
    }
}
