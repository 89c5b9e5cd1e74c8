// The output side of a terminal-like device: what its client has not acknowledged yet, and the writes held for it.
using Akka.Actor;

namespace Ssi.Cfs.Devices;

/// <summary>
/// Output is bounded: a write is answered only while less than <see cref="Window"/> bytes wait for the client's
/// acknowledgement, so a fast writer (yes) is slowed to the client's pace and nothing is dropped.
/// </summary>
public sealed class TerminalOutputWindow
{
    public const int Window = 256 * 1024;

    private long _sequence;
    private long _unacked;
    private readonly Queue<(long Sequence, int Size)> _inFlight = new();
    private readonly Queue<(IActorRef ReplyTo, int Count)> _held = new();

    /// <summary>
    /// Output of <paramref name="size"/> bytes for the client: <paramref name="emit"/> sends it with its number, then
    /// the writer is answered now, or held until the client has caught up. Echo has no writer: it counts, unanswered.
    /// </summary>
    public void Send(int size, IActorRef? writer, Action<long> emit)
    {
        var sequence = ++_sequence;
        emit(sequence);
        _unacked += size;
        _inFlight.Enqueue((sequence, size));
        if (writer is null) return;
        if (_unacked < Window) writer.Tell(new TerminalWritten(size));
        else _held.Enqueue((writer, size));
    }

    public void Acknowledged(long sequence)
    {
        while (_inFlight.TryPeek(out var sent) && sent.Sequence <= sequence)
        {
            _inFlight.Dequeue();
            _unacked -= sent.Size;
        }
        while (_unacked < Window && _held.TryDequeue(out var held)) held.ReplyTo.Tell(new TerminalWritten(held.Count));
    }

    /// <summary>The client is gone: held writers go on (their output is lost with the client, as a hung-up tty's is).</summary>
    public void Release()
    {
        while (_held.TryDequeue(out var held)) held.ReplyTo.Tell(new TerminalWritten(held.Count));
        _inFlight.Clear();
        _unacked = 0;
    }
}
