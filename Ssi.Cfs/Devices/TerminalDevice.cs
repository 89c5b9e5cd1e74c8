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
/// foreground group gets SIGHUP.
/// </summary>
public sealed class TerminalDevice : ReceiveActor
{
    public const int Window = 256 * 1024;

    private readonly IActorRef _client;
    private readonly IActorRef _processes;
    private readonly Queue<byte[]> _input = new();
    private int _inputOffset;
    private long _consumed;
    private bool _inputEnded;
    private readonly LinkedList<(long CallId, int Count, Pid Pid, bool AsPipe)> _readers = new();

    /// <summary>Per process, the last read it cancelled that was not waiting here: that read, if it comes, is answered as cancelled.</summary>
    private readonly Dictionary<Pid, long> _cancelledAhead = [];
    private long _sequence;
    private long _unacked;
    private readonly Queue<(long Sequence, int Size)> _inFlight = new();
    private readonly Queue<(IActorRef ReplyTo, int Count)> _heldWrites = new();
    private Pid? _foreground;
    private bool _canonical = true;

    public TerminalDevice(IActorRef client, IActorRef processes)
    {
        _client = client;
        _processes = processes;
        Context.Watch(client);

        Receive<TerminalRead>(read =>
        {
            if (_cancelledAhead.Remove(read.Pid, out var cancelled) && read.CallId <= cancelled)
            {
                Answer(read.Pid, new TerminalReadCancelled(read.CallId));
                return;
            }
            _readers.AddLast((read.CallId, read.Count, read.Pid, read.AsPipe));
            ServeReaders();
        });
        Receive<TerminalCancelRead>(cancel =>
        {
            for (var node = _readers.First; node is not null; node = node.Next)
            {
                if (node.Value.CallId != cancel.CallId || node.Value.Pid != cancel.Pid) continue;
                _readers.Remove(node);
                Answer(cancel.Pid, new TerminalReadCancelled(cancel.CallId));
                return;
            }
            // Answered already (the data is on its way), or the read has not come yet: a process that moved while
            // its read waited cancels from its new node, and that may overtake the read sent from the old one.
            _cancelledAhead[cancel.Pid] = Math.Max(cancel.CallId, _cancelledAhead.GetValueOrDefault(cancel.Pid));
        });
        Receive<TerminalWrite>(write =>
        {
            var sequence = ++_sequence;
            _client.Tell(new TerminalOutput(write.Channel is 2 ? 2 : 1, write.Data, sequence));
            _unacked += write.Data.Length;
            _inFlight.Enqueue((sequence, write.Data.Length));
            if (_unacked < Window) Sender.Tell(new TerminalWritten(write.Data.Length));
            else _heldWrites.Enqueue((Sender, write.Data.Length));
        });
        Receive<TerminalSetForeground>(set => _foreground = set.ProcessGroup);
        Receive<TerminalSetMode>(mode =>
        {
            _canonical = mode.Canonical;
            _client.Tell(new TerminalModeChanged(mode.Canonical));
            ServeReaders();
        });
        Receive<TerminalPing>(ping => FromClient(() => Sender.Tell(new TerminalPong(ping.Number))));
        Receive<TerminalOutputAck>(ack => FromClient(() =>
        {
            while (_inFlight.TryPeek(out var sent) && sent.Sequence <= ack.Sequence)
            {
                _inFlight.Dequeue();
                _unacked -= sent.Size;
            }
            while (_unacked < Window && _heldWrites.TryDequeue(out var held)) held.ReplyTo.Tell(new TerminalWritten(held.Count));
        }));
        Receive<TerminalInput>(input => FromClient(() =>
        {
            if (input.Data.Length > 0 && !_inputEnded) _input.Enqueue(input.Data);
            ServeReaders();
        }));
        Receive<TerminalInputEnd>(_ => FromClient(() =>
        {
            _inputEnded = true;
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
        while (_readers.First is { } first && (_inputEnded || (_input.Count > 0 && (!ByLine(first.Value.AsPipe) || HasLine()))))
        {
            _readers.RemoveFirst();
            var (callId, count, pid, asPipe) = first.Value;
            var data = Take(Math.Max(count, 0), untilNewline: ByLine(asPipe));
            Answer(pid, new TerminalData(callId, data));
            if (data.Length > 0) _client.Tell(new TerminalInputAck(_consumed));
        }
    }

    /// <summary>A read waits for a whole line in canonical mode, unless its descriptor is a pipe on the client's host.</summary>
    private bool ByLine(bool asPipe) => _canonical && !asPipe;

    /// <summary>True if the buffered input holds a whole line (canonical reads wait for one, as a tty's line discipline does).</summary>
    private bool HasLine()
    {
        var offset = _inputOffset;
        foreach (var chunk in _input)
        {
            if (Array.IndexOf(chunk, (byte)'\n', offset) >= 0) return true;
            offset = 0;
        }
        return false;
    }

    private byte[] Take(int count, bool untilNewline)
    {
        using var taken = new MemoryStream();
        while (taken.Length < count && _input.TryPeek(out var chunk))
        {
            var n = (int)Math.Min(count - taken.Length, chunk.Length - _inputOffset);
            if (untilNewline && Array.IndexOf(chunk, (byte)'\n', _inputOffset, n) is var newline and >= 0) n = newline - _inputOffset + 1;
            taken.Write(chunk, _inputOffset, n);
            _inputOffset += n;
            if (_inputOffset == chunk.Length)
            {
                _input.Dequeue();
                _inputOffset = 0;
            }
            if (untilNewline && taken.Length > 0 && taken.GetBuffer()[taken.Length - 1] == '\n') break;
        }
        _consumed += taken.Length;
        return taken.ToArray();
    }

    private void HangUp()
    {
        if (_foreground is { Value: > 0 } group) _processes.Tell(new SignalProcessGroup(group, Signal.SIGHUP));
        foreach (var (callId, _, pid, _) in _readers) Answer(pid, new TerminalData(callId, []));
        _readers.Clear();
        while (_heldWrites.TryDequeue(out var held)) held.ReplyTo.Tell(new TerminalWritten(held.Count));
        Context.Stop(Self);
    }
}
