// A terminal device on the contact node of a CLI session, with its line discipline: processes on any node read and write it like a tty.
using Akka.Actor;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Actors.Signals;

namespace Ssi.Cfs.Devices;

/// <summary>
/// One per attached client (<c>ssi run</c>), living on the node the client talks to, named /dev/pts/N there. It owns
/// the terminal's settings (termios), the line discipline with its input, the reads waiting for input, the foreground
/// process group and the output window. When the client's stdin is a terminal on its host, the client sends keys raw
/// and the <see cref="LineDiscipline"/> here edits lines, echoes (as output on channel 1) and turns INTR, QUIT and SUSP
/// into signals for the foreground group, as Linux's tty does; when it is a pipe or file, its bytes are kept as they
/// came. Output is bounded: a write is answered only while less than <see cref="Window"/> bytes wait for the client's
/// acknowledgement, so a fast writer (yes) is slowed to the client's pace and nothing is dropped. Signals and the
/// answers to reads go to <c>processes</c> (the process layer of this node), since a device does not know where
/// processes are. A process group that is not the foreground one is told so when it reads (and, with TOSTOP, when it
/// writes), and stops itself. When the client goes away, the foreground group gets SIGHUP.
/// </summary>
public sealed class TerminalDevice : ReceiveActor
{
    public const int Window = TerminalOutputWindow.Window;

    private bool _sessionEnded;
    private readonly IActorRef _client;
    private readonly IActorRef _processes;
    private readonly string _name;
    private readonly LineDiscipline? _discipline;
    private readonly TerminalInputQueue _input;
    private readonly TerminalOutputWindow _output = new();
    private TerminalSettings _settings = TerminalSettings.Sane;
    private Pid? _foreground;
    private long _acked;

    /// <param name="inputIsTerminal">The client's stdin is a terminal on its host: its keys go through the line discipline.</param>
    /// <param name="name">The terminal's name, as tty(1) prints it.</param>
    public TerminalDevice(IActorRef client, IActorRef processes, bool inputIsTerminal, string name)
    {
        _client = client;
        _processes = processes;
        _name = name;
        _discipline = inputIsTerminal ? new LineDiscipline(_settings) : null;
        _input = new TerminalInputQueue(_discipline);
        Context.Watch(client);

        Receive<TerminalRead>(read =>
        {
            if (!read.AsPipe && IsBackground(read.Group))
            {
                Answer(read.Pid, new TerminalBackground(read.CallId));
                return;
            }
            _input.Read(read, Answer);
            ServeReaders();
        });
        Receive<TerminalCancelRead>(cancel => _input.Cancel(cancel, Answer));
        Receive<TerminalWrite>(write =>
        {
            if (_settings.Has(TerminalFlags.Tostop) && IsBackground(write.Group)) Sender.Tell(new TerminalBackground(0));
            else Output(write.Channel, write.Data, Sender);
        });
        Receive<TerminalSetForeground>(set =>
        {
            if (set.Answer && IsBackground(set.Caller))
            {
                Sender.Tell(new TerminalBackground(0));
                return;
            }
            _foreground = set.ProcessGroup;
            if (set.Answer) Sender.Tell(Status);
        });
        Receive<TerminalGetStatus>(_ => Sender.Tell(Status));
        Receive<TerminalSetSettings>(set =>
        {
            if (IsBackground(set.Caller))
            {
                Sender.Tell(new TerminalBackground(0));
                return;
            }
            Apply(set.Settings);
            Sender.Tell(Status);
        });
        // The older call: ICANON and ECHO together (what dbdemo asks for single keys).
        Receive<TerminalSetMode>(mode => Apply(_settings.With(TerminalFlags.Icanon | TerminalFlags.Echo, mode.Canonical)));
        Receive<TerminalPing>(ping => FromClient(() => Sender.Tell(new TerminalPong(ping.Number))));
        Receive<TerminalOutputAck>(ack => FromClient(() => _output.Acknowledged(ack.Sequence)));
        Receive<TerminalInput>(input => FromClient(() => Typed(input.Data)));
        Receive<TerminalInputEnd>(_ => FromClient(() =>
        {
            _input.Ended = true;
            ServeReaders();
        }));
        Receive<TerminalKey>(key => FromClient(() => SignalForeground(key.Signal)));
        Receive<TerminalSessionEnded>(ended =>
        {
            Sender.Tell(new TerminalSessionEndNoted(ended.Pid));
            if (_sessionEnded) return; // a repeat (the hang-up below stops this device, so one can only race it)
            _sessionEnded = true;
            // The session leader is gone: its output went out before this (same sender, same order), so tell the
            // client, and hang up the rest of its foreground group as Linux does.
            _client.Tell(ended);
            HangUp();
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_client), _ => HangUp());
    }

    public static Props Props(IActorRef client, IActorRef processes, bool inputIsTerminal = true, string name = "/dev/pts/0") =>
        Akka.Actor.Props.Create(() => new TerminalDevice(client, processes, inputIsTerminal, name));

    private TerminalStatus Status => new(_settings, _name, _foreground);

    /// <summary>A caller's group (given only when the check applies) that is not the foreground group.</summary>
    private bool IsBackground(Pid? group) => group is { } g && _foreground is { Value: > 0 } foreground && g != foreground;

    private void Apply(TerminalSettings settings)
    {
        _settings = settings;
        _discipline?.Apply(settings);
        ServeReaders();
    }

    private void Typed(byte[] data)
    {
        if (_discipline is null)
        {
            _input.Add(data);
            ServeReaders();
            return;
        }
        if (_input.Ended) return;
        var typed = _discipline.Type(data);
        if (typed.Echo.Length > 0) Output(1, typed.Echo, null);
        foreach (var signal in typed.Signals) SignalForeground(signal);
        ServeReaders();
    }

    private void Output(int channel, byte[] data, IActorRef? writer) =>
        _output.Send(data.Length, writer, sequence => _client.Tell(new TerminalOutput(channel is 2 ? 2 : 1, data, sequence)));

    private void SignalForeground(int signal)
    {
        if (_foreground is { Value: > 0 } group && Signal.IsValid(signal)) _processes.Tell(new SignalProcessGroup(group, signal));
    }

    private void Answer(Pid pid, ISsiMessage reply) => _processes.Tell(new TerminalReply(pid, reply));

    /// <summary>Client messages are accepted only from the client the terminal was made for.</summary>
    private void FromClient(Action handle)
    {
        if (Sender.Equals(_client)) handle();
    }

    /// <summary>Answers the reads that can be; the client hears how much input was taken (read, erased or flushed) to send more.</summary>
    private void ServeReaders()
    {
        _input.Serve(_settings.Has(TerminalFlags.Icanon), Answer);
        if (_input.Consumed == _acked) return;
        _acked = _input.Consumed;
        _client.Tell(new TerminalInputAck(_acked));
    }

    private void HangUp()
    {
        SignalForeground(Signal.SIGHUP);
        _input.EndAll(Answer);
        _output.Release();
        Context.Stop(Self);
    }
}
