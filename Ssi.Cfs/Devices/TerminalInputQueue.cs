// The input side of a terminal-like device: bytes typed and not yet read, and the reads that wait for them.
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;

namespace Ssi.Cfs.Devices;

/// <summary>Where a terminal's readable input is kept: as typed (<see cref="PlainInput"/>), or through a <see cref="LineDiscipline"/>.</summary>
public interface ITerminalInput
{
    /// <summary>Bytes read so far, which the client's flow control counts against.</summary>
    long Consumed { get; }

    /// <summary>A read of <paramref name="count"/> bytes can be answered now; <paramref name="byLine"/>: a canonical read of plain input.</summary>
    bool Readable(int count, bool byLine);

    /// <summary>Up to <paramref name="count"/> bytes (none at an end of file, or when the input has ended and nothing is left).</summary>
    byte[] Take(int count, bool byLine);
}

/// <summary>
/// Plain state shared by the terminals of clients and the nodes' consoles. Answers go out through the
/// <c>answer</c> callback (to the process, wherever it runs); a read waits until its <see cref="Input"/> can answer
/// it, or until the input has ended.
/// </summary>
public sealed class TerminalInputQueue(ITerminalInput? input = null)
{
    /// <summary>The readable input; plain bytes unless a line discipline makes them.</summary>
    public ITerminalInput Input { get; } = input ?? new PlainInput();

    private readonly LinkedList<(long CallId, int Count, Pid Pid, bool AsPipe)> _readers = new();

    /// <summary>Per process, the last read it cancelled that was not waiting here: that read, if it comes, is answered as cancelled.</summary>
    private readonly Dictionary<Pid, long> _cancelledAhead = [];

    /// <summary>Bytes read so far, which the client's flow control counts against.</summary>
    public long Consumed => Input.Consumed;

    /// <summary>The input has ended: waiting and later reads get end of file once the buffer is empty.</summary>
    public bool Ended { get; set; }

    public void Read(TerminalRead read, Action<Pid, ISsiMessage> answer)
    {
        if (_cancelledAhead.Remove(read.Pid, out var cancelled) && read.CallId <= cancelled)
        {
            answer(read.Pid, new TerminalReadCancelled(read.CallId));
            return;
        }
        _readers.AddLast((read.CallId, read.Count, read.Pid, read.AsPipe));
    }

    public void Cancel(TerminalCancelRead cancel, Action<Pid, ISsiMessage> answer)
    {
        for (var node = _readers.First; node is not null; node = node.Next)
        {
            if (node.Value.CallId != cancel.CallId || node.Value.Pid != cancel.Pid) continue;
            _readers.Remove(node);
            answer(cancel.Pid, new TerminalReadCancelled(cancel.CallId));
            return;
        }
        // Answered already (the data is on its way), or the read has not come yet: a process that moved while
        // its read waited cancels from its new node, and that may overtake the read sent from the old one.
        _cancelledAhead[cancel.Pid] = Math.Max(cancel.CallId, _cancelledAhead.GetValueOrDefault(cancel.Pid));
    }

    /// <summary>Input as typed (plain input only: a line discipline is given its input by the terminal).</summary>
    public void Add(byte[] data)
    {
        if (!Ended) ((PlainInput)Input).Add(data);
    }

    /// <summary>Answers the reads that can be answered now; true if any input was taken (the client may send more).</summary>
    public bool Serve(bool canonical, Action<Pid, ISsiMessage> answer)
    {
        var took = false;
        while (_readers.First is { } first && (Ended || Input.Readable(Math.Max(first.Value.Count, 0), ByLine(canonical, first.Value.AsPipe))))
        {
            _readers.RemoveFirst();
            var (callId, count, pid, asPipe) = first.Value;
            var data = Input.Take(Math.Max(count, 0), ByLine(canonical, asPipe));
            answer(pid, new TerminalData(callId, data));
            took |= data.Length > 0;
        }
        return took;
    }

    /// <summary>Every waiting read gets end of file (the terminal hung up).</summary>
    public void EndAll(Action<Pid, ISsiMessage> answer)
    {
        foreach (var (callId, _, pid, _) in _readers) answer(pid, new TerminalData(callId, []));
        _readers.Clear();
    }

    /// <summary>A read waits for a whole line in canonical mode, unless its descriptor is a pipe on the client's host.</summary>
    private static bool ByLine(bool canonical, bool asPipe) => canonical && !asPipe;
}

/// <summary>Input kept as it came (a console, or a client's stdin that is a pipe or file on its host); a canonical read waits for a newline.</summary>
public sealed class PlainInput : ITerminalInput
{
    private readonly Queue<byte[]> _chunks = new();
    private int _offset;

    public long Consumed { get; private set; }

    public void Add(byte[] data)
    {
        if (data.Length > 0) _chunks.Enqueue(data);
    }

    public bool Readable(int count, bool byLine) => _chunks.Count > 0 && (!byLine || HasLine());

    public byte[] Take(int count, bool byLine) => TakeBytes(count, untilNewline: byLine);

    /// <summary>True if the buffered input holds a whole line (canonical reads wait for one, as a tty's line discipline does).</summary>
    private bool HasLine()
    {
        var offset = _offset;
        foreach (var chunk in _chunks)
        {
            if (Array.IndexOf(chunk, (byte)'\n', offset) >= 0) return true;
            offset = 0;
        }
        return false;
    }

    private byte[] TakeBytes(int count, bool untilNewline)
    {
        using var taken = new MemoryStream();
        while (taken.Length < count && _chunks.TryPeek(out var chunk))
        {
            var n = (int)Math.Min(count - taken.Length, chunk.Length - _offset);
            if (untilNewline && Array.IndexOf(chunk, (byte)'\n', _offset, n) is var newline and >= 0) n = newline - _offset + 1;
            taken.Write(chunk, _offset, n);
            _offset += n;
            if (_offset == chunk.Length)
            {
                _chunks.Dequeue();
                _offset = 0;
            }
            if (untilNewline && taken.Length > 0 && taken.GetBuffer()[taken.Length - 1] == '\n') break;
        }
        Consumed += taken.Length;
        return taken.ToArray();
    }
}
