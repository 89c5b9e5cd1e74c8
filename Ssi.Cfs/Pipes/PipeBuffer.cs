// The state of a pipe and its rules, as pure functions: Linux pipe(7) semantics, whatever node each end is on.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;

namespace Ssi.Cfs.Pipes;

public sealed record WaitingRead(Pid Pid, long CallId, int Count);

/// <param name="Done">Bytes of <see cref="Data"/> already in the pipe (a write larger than PIPE_BUF goes in piece by piece).</param>
public sealed record WaitingWrite(Pid Pid, long CallId, byte[] Data, int Done);

/// <summary>An open of a FIFO's end that waits for the other end (it counts already).</summary>
public sealed record WaitingOpen(Pid Pid, long CallId, PipeEnd End);

/// <summary>What happens to a pipe.</summary>
public abstract record PipeInput
{
    public sealed record Read(Pid Pid, long CallId, int Count, bool NonBlocking = false) : PipeInput;

    public sealed record Write(Pid Pid, long CallId, byte[] Data, bool NonBlocking = false) : PipeInput;

    /// <summary>A signal (or a timeout) ends call <see cref="CallId"/> of <see cref="Pid"/>, a read or a write.</summary>
    public sealed record Cancel(Pid Pid, long CallId) : PipeInput;

    public sealed record Retain(PipeEnd End, Pid Holder) : PipeInput;

    public sealed record HandOver(PipeEnd End, Pid From, Pid To) : PipeInput;

    /// <summary>These processes died with their nodes: their references go, as if they had exited.</summary>
    public sealed record HoldersGone(ImmutableArray<Pid> Holders) : PipeInput;

    /// <summary>An open of a FIFO's end (<see cref="PipeOpen"/>).</summary>
    public sealed record Open(Pid Pid, long CallId, PipeEnd End, bool NonBlocking) : PipeInput;

    public sealed record Release(PipeEnd End, Pid Holder) : PipeInput;
}

/// <summary>An answer for the process that made a call.</summary>
public sealed record PipeAnswer(Pid Pid, ISsiMessage Reply);

/// <summary>
/// A pipe (pipe(7)): a buffer of <see cref="Capacity"/> bytes, the reads and writes waiting on it in order, and how many
/// descriptors refer to each end. A read takes what is there (at most its count) or waits; with no writer left it
/// gets end of file once the buffer is empty. A write of up to <see cref="AtomicLimit"/> bytes goes in whole or
/// waits for room (so writers on any nodes never interleave within it); a larger one goes in as room frees. With no
/// reader left a write is broken (EPIPE, SIGPIPE). Owned by its <see cref="PipeActor"/>.
/// </summary>
public sealed record PipeBuffer
{
    public const int Capacity = 64 * 1024;

    /// <summary>PIPE_BUF.</summary>
    public const int AtomicLimit = 4096;

    /// <summary>A new pipe, each end referred to once by <paramref name="holder"/>.</summary>
    public static PipeBuffer New(Pid holder) => new()
    {
        Holders = ImmutableDictionary<(Pid, PipeEnd), int>.Empty.Add((holder, PipeEnd.Read), 1).Add((holder, PipeEnd.Write), 1),
    };

    /// <summary>A FIFO's pipe before anyone opens it: no end is open.</summary>
    public static readonly PipeBuffer Fifo = new() { Readers = 0, Writers = 0 };

    public ImmutableQueue<byte[]> Chunks { get; init; } = [];

    /// <summary>How much of the first chunk was read already.</summary>
    public int FirstOffset { get; init; }

    public int Buffered { get; init; }

    public int Readers { get; init; } = 1;

    public int Writers { get; init; } = 1;

    /// <summary>
    /// How many references to each end each process holds: when a process dies with its node (it cannot close them),
    /// its references go, so the other end sees end of file or EPIPE.
    /// </summary>
    public ImmutableDictionary<(Pid Holder, PipeEnd End), int> Holders { get; init; } = ImmutableDictionary<(Pid, PipeEnd), int>.Empty;

    /// <summary>Every process that holds a reference.</summary>
    public IEnumerable<Pid> HolderPids => Holders.Keys.Select(k => k.Holder).Distinct();

    public ImmutableQueue<WaitingRead> Reads { get; init; } = [];

    public ImmutableQueue<WaitingWrite> Writes { get; init; } = [];

    public ImmutableList<WaitingOpen> Opens { get; init; } = [];

    /// <summary>Per process, the newest call it gave up that had not come here yet: if it comes, it is answered as cancelled.</summary>
    public ImmutableDictionary<Pid, long> CancelledAhead { get; init; } = ImmutableDictionary<Pid, long>.Empty;

    /// <summary>No descriptor refers to either end: the pipe can go.</summary>
    public bool Unreferenced => Readers == 0 && Writers == 0;

    public static (PipeBuffer Pipe, ImmutableArray<PipeAnswer> Answers) Decide(PipeBuffer pipe, PipeInput input)
    {
        var answers = ImmutableArray.CreateBuilder<PipeAnswer>();
        switch (input)
        {
            case PipeInput.Read r when pipe.WasCancelled(r.Pid, r.CallId):
                answers.Add(new(r.Pid, new TerminalReadCancelled(r.CallId)));
                break;
            case PipeInput.Read { Count: <= 0 } r:
                answers.Add(new(r.Pid, new TerminalData(r.CallId, [])));
                break;
            case PipeInput.Read { NonBlocking: true } r when pipe.Buffered == 0 && pipe.Writers > 0:
                answers.Add(new(r.Pid, new PipeWouldBlock(r.CallId)));
                break;
            case PipeInput.Read r:
                pipe = pipe with { Reads = pipe.Reads.Enqueue(new WaitingRead(r.Pid, r.CallId, r.Count)) };
                break;
            case PipeInput.Write w when pipe.WasCancelled(w.Pid, w.CallId):
                answers.Add(new(w.Pid, new TerminalReadCancelled(w.CallId)));
                break;
            case PipeInput.Write { Data.Length: 0 } w:
                answers.Add(new(w.Pid, new PipeWritten(w.CallId, 0)));
                break;
            case PipeInput.Write { NonBlocking: true } w when pipe.Readers > 0:
                pipe = pipe.WriteNow(w, answers);
                break;
            case PipeInput.Write w:
                pipe = pipe with { Writes = pipe.Writes.Enqueue(new WaitingWrite(w.Pid, w.CallId, w.Data, 0)) };
                break;
            case PipeInput.Cancel c:
                pipe = pipe.Cancel(c.Pid, c.CallId, answers);
                break;
            case PipeInput.Retain r:
                pipe = pipe.Count(r.End, 1).Held(r.Holder, r.End, 1);
                break;
            case PipeInput.Release r:
                pipe = pipe.Count(r.End, -1).Held(r.Holder, r.End, -1);
                break;
            case PipeInput.HandOver h when pipe.Holders.ContainsKey((h.From, h.End)):
                pipe = pipe.Held(h.From, h.End, -1).Held(h.To, h.End, 1);
                break;
            case PipeInput.HandOver h: // the parent died with its node and its references went: the child's counts again
                pipe = pipe.Count(h.End, 1).Held(h.To, h.End, 1);
                break;
            case PipeInput.HoldersGone g:
                foreach (var gone in g.Holders)
                    foreach (var end in new[] { PipeEnd.Read, PipeEnd.Write })
                        if (pipe.Holders.TryGetValue((gone, end), out var held)) pipe = pipe.Count(end, -held).Held(gone, end, -held);
                break;
            case PipeInput.Open o when pipe.WasCancelled(o.Pid, o.CallId):
                answers.Add(new(o.Pid, new TerminalReadCancelled(o.CallId)));
                break;
            case PipeInput.Open { End: PipeEnd.Write, NonBlocking: true } o when pipe.Readers == 0:
                answers.Add(new(o.Pid, new PipeOpenRefused(o.CallId, Errno.ENXIO)));
                break;
            case PipeInput.Open o:
                pipe = pipe.Count(o.End, 1).Held(o.Pid, o.End, 1);
                if (o.NonBlocking || (o.End == PipeEnd.Read ? pipe.Writers : pipe.Readers) > 0) answers.Add(new(o.Pid, new PipeOpened(o.CallId)));
                else pipe = pipe with { Opens = pipe.Opens.Add(new WaitingOpen(o.Pid, o.CallId, o.End)) };
                break;
        }
        pipe = pipe.WakeOpens(answers).Serve(answers);
        // Linux frees a pipe with its last reference: a FIFO opened again starts empty.
        if (pipe.Unreferenced && pipe.Buffered > 0) pipe = pipe with { Chunks = [], FirstOffset = 0, Buffered = 0 };
        return (pipe, answers.ToImmutable());
    }

    /// <summary>
    /// An O_NONBLOCK write, as Linux's pipe_write: up to PIPE_BUF bytes go in whole or not at all, a larger write puts in
    /// what fits; nothing fits (or writers wait already, so the pipe is full): EAGAIN.
    /// </summary>
    private PipeBuffer WriteNow(PipeInput.Write w, ImmutableArray<PipeAnswer>.Builder answers)
    {
        var room = Writes.IsEmpty ? Capacity - Buffered : 0;
        var now = w.Data.Length <= AtomicLimit ? (room >= w.Data.Length ? w.Data.Length : 0) : Math.Min(room, w.Data.Length);
        if (now == 0)
        {
            answers.Add(new(w.Pid, new PipeWouldBlock(w.CallId)));
            return this;
        }
        answers.Add(new(w.Pid, new PipeWritten(w.CallId, now)));
        return Put(now == w.Data.Length ? w.Data : w.Data[..now]);
    }

    /// <summary>The count of references to <paramref name="end"/>, changed by <paramref name="by"/> (never below 0).</summary>
    private PipeBuffer Count(PipeEnd end, int by) =>
        end == PipeEnd.Read ? this with { Readers = Math.Max(0, Readers + by) } : this with { Writers = Math.Max(0, Writers + by) };

    private PipeBuffer Held(Pid holder, PipeEnd end, int by)
    {
        var now = Holders.GetValueOrDefault((holder, end)) + by;
        return this with { Holders = now > 0 ? Holders.SetItem((holder, end), now) : Holders.Remove((holder, end)) };
    }

    private bool WasCancelled(Pid pid, long callId) => CancelledAhead.TryGetValue(pid, out var last) && callId <= last;

    /// <summary>Opens that waited for the other end go on once it is open.</summary>
    private PipeBuffer WakeOpens(ImmutableArray<PipeAnswer>.Builder answers)
    {
        var ready = Opens.Where(o => (o.End == PipeEnd.Read ? Writers : Readers) > 0).ToList();
        foreach (var open in ready) answers.Add(new(open.Pid, new PipeOpened(open.CallId)));
        return ready.Count == 0 ? this : this with { Opens = Opens.RemoveRange(ready) };
    }

    private PipeBuffer Cancel(Pid pid, long callId, ImmutableArray<PipeAnswer>.Builder answers)
    {
        if (Opens.FirstOrDefault(o => o.Pid == pid && o.CallId == callId) is { } open)
        {
            answers.Add(new(pid, new TerminalReadCancelled(callId)));
            return (this with { Opens = Opens.Remove(open) }).Count(open.End, -1).Held(pid, open.End, -1);
        }
        if (Reads.FirstOrDefault(r => r.Pid == pid && r.CallId == callId) is not null)
        {
            answers.Add(new(pid, new TerminalReadCancelled(callId)));
            return this with { Reads = [.. Reads.Where(r => !(r.Pid == pid && r.CallId == callId))] };
        }
        if (Writes.FirstOrDefault(w => w.Pid == pid && w.CallId == callId) is { } write)
        {
            // Part of a large write may be in already: that part stays, and write(2) returns its length, as on Linux.
            answers.Add(new(pid, write.Done > 0 ? new PipeWritten(callId, write.Done) : new TerminalReadCancelled(callId)));
            return this with { Writes = [.. Writes.Where(w => !(w.Pid == pid && w.CallId == callId))] };
        }
        // Answered already (the answer is on its way), or the call has not come yet: a process that moved while its
        // call waited cancels from its new node, which may overtake the call sent from the old one.
        return this with { CancelledAhead = CancelledAhead.SetItem(pid, Math.Max(callId, CancelledAhead.GetValueOrDefault(pid))) };
    }

    /// <summary>Moves data from waiting writers to waiting readers as far as the rules allow.</summary>
    private PipeBuffer Serve(ImmutableArray<PipeAnswer>.Builder answers)
    {
        var pipe = this;
        bool moved;
        do
        {
            moved = false;
            while (pipe.Buffered > 0 && !pipe.Reads.IsEmpty)
            {
                var read = pipe.Reads.Peek();
                pipe = pipe.Take(read.Count, out var data) with { Reads = pipe.Reads.Dequeue() };
                answers.Add(new(read.Pid, new TerminalData(read.CallId, data)));
                moved = true;
            }
            while (!pipe.Writes.IsEmpty)
            {
                var write = pipe.Writes.Peek();
                if (pipe.Readers == 0)
                {
                    pipe = pipe with { Writes = pipe.Writes.Dequeue() };
                    answers.Add(new(write.Pid, write.Done > 0 ? new PipeWritten(write.CallId, write.Done) : new PipeBroken(write.CallId)));
                    continue;
                }
                var room = Capacity - pipe.Buffered;
                var left = write.Data.Length - write.Done;
                var now = write.Data.Length <= AtomicLimit ? (room >= left ? left : 0) : Math.Min(room, left);
                if (now == 0) break;
                pipe = pipe.Put(write.Data.AsSpan(write.Done, now).ToArray());
                moved = true;
                if (now == left)
                {
                    pipe = pipe with { Writes = pipe.Writes.Dequeue() };
                    answers.Add(new(write.Pid, new PipeWritten(write.CallId, write.Data.Length)));
                }
                else
                {
                    pipe = pipe with { Writes = [write with { Done = write.Done + now }, .. pipe.Writes.Dequeue()] };
                    break;
                }
            }
        }
        while (moved);
        if (pipe.Buffered == 0 && pipe.Writers == 0)
        {
            foreach (var read in pipe.Reads) answers.Add(new(read.Pid, new TerminalData(read.CallId, []))); // end of file
            pipe = pipe with { Reads = [] };
        }
        return pipe;
    }

    private PipeBuffer Put(byte[] data) => this with { Chunks = Chunks.Enqueue(data), Buffered = Buffered + data.Length };

    private PipeBuffer Take(int count, out byte[] data)
    {
        var taken = new byte[Math.Min(count, Buffered)];
        var (chunks, offset, at) = (Chunks, FirstOffset, 0);
        while (at < taken.Length)
        {
            var chunk = chunks.Peek();
            var n = Math.Min(taken.Length - at, chunk.Length - offset);
            chunk.AsSpan(offset, n).CopyTo(taken.AsSpan(at));
            (at, offset) = (at + n, offset + n);
            if (offset == chunk.Length) (chunks, offset) = (chunks.Dequeue(), 0);
        }
        data = taken;
        return this with { Chunks = chunks, FirstOffset = offset, Buffered = Buffered - taken.Length };
    }
}
